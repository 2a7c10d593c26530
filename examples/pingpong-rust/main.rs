// Two processes bounce a message ROUNDS times (default 10000), with the protocol of
// examples/pingpong: `onebox run main.wasm [ROUNDS [PONG]]`. The pinger spawns PONG (a
// namespace path; by default another copy of itself) with the argument "pong"; the ponger
// echoes every PING message to its parent and stops after echoing an empty one. Either
// side can therefore be the AssemblyScript or the C program.
use onebox::{Errno, RecvInfo, WaitStatus};
use std::time::Instant;

const PING: i32 = 1;

fn recv_ping(buf: &mut [u8]) -> Result<usize, Errno> {
    let mut info = RecvInfo::default();
    onebox::recv(&[PING], onebox::TIMEOUT_INFINITE, buf, &mut info)
}

fn pong() -> Result<(), String> {
    let parent = onebox::getppid();
    let mut buf = [0u8; 4096];
    loop {
        let n = recv_ping(&mut buf).map_err(|e| format!("recv: {e}"))?;
        onebox::send(parent, PING, &buf[..n]).map_err(|e| format!("send: {e}"))?;
        if n == 0 {
            return Ok(());
        }
    }
}

fn ping(rounds: u32, peer: &str) -> Result<(), String> {
    // spawn takes its arguments NUL-terminated and back to back.
    let child = onebox::spawn(peer, b"pong\0", b"", "").map_err(|e| format!("spawn: {e}"))?;
    let payload = [0u8; 16];
    let mut echo = [0u8; 16];
    let started = Instant::now();
    for _ in 0..rounds {
        onebox::send(child, PING, &payload).map_err(|e| format!("send: {e}"))?;
        recv_ping(&mut echo).map_err(|e| format!("recv: {e}"))?;
    }
    let mean_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds);
    onebox::send(child, PING, &[]).and_then(|_| recv_ping(&mut echo)).map_err(|e| format!("stop: {e}"))?;
    let mut status = WaitStatus::default();
    onebox::wait(child, &mut status).map_err(|e| format!("wait: {e}"))?;
    if status.reason != onebox::REASON_NORMAL || status.status != 0 {
        return Err(format!("ponger ended: {}, status {}", onebox::reason_name(status.reason), status.status));
    }
    println!("{rounds} round trips, mean {mean_us:.2} us");
    Ok(())
}

// The status goes through process::exit: rustc 1.63's wasm32-wasi std reports any
// ExitCode returned from main other than SUCCESS as 1, under node:wasi as under onebox.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("pong") => pong(),
        arg => match arg.map_or(Ok(10000), str::parse::<u32>) {
            Ok(rounds) if rounds > 0 => ping(rounds, args.get(2).map_or("", String::as_str)),
            _ => {
                eprintln!("usage: pingpong [ROUNDS [PONG]]");
                std::process::exit(2);
            }
        },
    };
    if let Err(message) = result {
        eprintln!("pingpong: {message}");
        std::process::exit(1);
    }
}
