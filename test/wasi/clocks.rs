// Time through Rust's std: Instant (the monotonic clock), SystemTime (the realtime clock) and
// std::thread::sleep (poll_oneoff on a clock). It prints only what does not depend on the
// moment it runs, so node:wasi prints the same.
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).expect("realtime after 1970");
    println!("system time is after 2023: {}", since_epoch.as_secs() > 1_700_000_000);

    let start = Instant::now();
    let mut previous = start;
    let mut went_back = 0;
    for _ in 0..1000 {
        let now = Instant::now();
        if now < previous {
            went_back += 1;
        }
        previous = now;
    }
    println!("instant never goes back: {}", went_back == 0);

    // WASI's poll_oneoff waits at least the clock's timeout. node:wasi's timer can fire up to a
    // millisecond early by the monotonic clock (libuv's loop time is in whole milliseconds),
    // so whether it waited long enough goes to stderr, checked on onebox alone.
    for ms in [0u64, 1, 20] {
        let before = Instant::now();
        sleep(Duration::from_millis(ms));
        let slept = before.elapsed();
        println!("sleep {} ms returned", ms);
        eprintln!("sleep {} ms waited at least that: {}", ms, slept >= Duration::from_millis(ms));
    }
    eprintln!("instant elapsed at least 21 ms: {}", start.elapsed() >= Duration::from_millis(21));
}
