// The conformance guest in Rust: the checks of guest.ts, in the same order, printing the
// same lines (see there), through the onebox crate's safe calls. argv[1] is "main", or a
// child's role: "exit STATUS", "park", "hold LOCK".
use onebox::{DownMessage, Errno, RecvInfo, Stat, WaitStatus};
use std::fmt::Debug;

const TAG_HELD: i32 = 5;
const PARK: i32 = 99;

/** Numbers the checks and keeps the first failure of the current one, as guest.ts's first(). */
struct Checks {
    no: u32,
    detail: Option<String>,
}

impl Checks {
    fn failed(&mut self, detail: String) {
        self.detail.get_or_insert(detail);
    }

    fn check(&mut self, name: &str) {
        self.no += 1;
        match self.detail.take() {
            Some(detail) => println!("not ok {} {}: {}", self.no, name, detail),
            None => println!("ok {} {}", self.no, name),
        }
    }

    fn fails<T: Debug>(&mut self, what: &str, r: Result<T, Errno>, want: Errno) {
        if r.as_ref().err() != Some(&want) {
            self.failed(format!("{what}: got {r:?}, want {want}"));
        }
    }

    fn succeeds<T>(&mut self, what: &str, r: Result<T, Errno>) {
        if let Err(e) = r {
            self.failed(format!("{what}: errno {e}"));
        }
    }
}

fn spawn_self(args: &[u8]) -> Result<i32, Errno> {
    onebox::spawn("", args, b"", "")
}

fn send_text(pid: i32, tag: i32, text: &str) -> Result<(), Errno> {
    onebox::send(pid, tag, text.as_bytes())
}

fn park() -> Result<usize, Errno> {
    let mut info = RecvInfo::default();
    onebox::recv(&[PARK], onebox::TIMEOUT_INFINITE, &mut [0u8; 1], &mut info)
}

/** recv as text: the message, and what recv_info said of it. */
fn recv_text(tags: &[i32], timeout: i32) -> Result<(String, RecvInfo), Errno> {
    let mut info = RecvInfo::default();
    let mut buf = [0u8; 64];
    let n = onebox::recv(tags, timeout, &mut buf, &mut info)?;
    Ok((String::from_utf8_lossy(&buf[..n]).into_owned(), info))
}

fn lock(name: &str, timeout: i32) -> Result<u64, Errno> {
    let mut token = 0;
    onebox::lock(name, timeout, &mut token).map(|()| token)
}

fn trylock(name: &str) -> Result<u64, Errno> {
    let mut token = 0;
    onebox::trylock(name, &mut token).map(|()| token)
}

fn seek(fd: i32, offset: i64, whence: i32) -> Result<u64, Errno> {
    let mut pos = 0;
    onebox::seek(fd, offset, whence, &mut pos).map(|()| pos)
}

fn main_checks(args: &[String]) {
    let mut c = Checks { no: 0, detail: None };
    let mut st = WaitStatus::default();
    let me = onebox::getpid();

    if me <= 0 || onebox::getppid() != 0 {
        c.failed(format!("getpid {} getppid {}", me, onebox::getppid()));
    }
    c.check("pids");

    match spawn_self(b"exit\x007\0") {
        Err(e) => c.failed(format!("spawn: {e}")),
        Ok(pid) => match onebox::wait(pid, &mut st) {
            Err(e) => c.failed(format!("wait: {e}")),
            Ok(r) if r != pid || st.status != 7 || st.reason != onebox::REASON_NORMAL => c.failed(format!("status {} reason {}", st.status, st.reason)),
            Ok(_) => {}
        },
    }
    c.check("spawn-wait");

    let pid = spawn_self(b"exit\x000\0");
    let r = onebox::wait(onebox::WAIT_ANY, &mut st);
    if r.is_err() || r != pid {
        c.failed(format!("wait returned {r:?}"));
    }
    c.check("wait-any");

    c.fails("wait any", onebox::wait(onebox::WAIT_ANY, &mut st), Errno::ECHILD);
    c.fails("wait 12345", onebox::wait(12345, &mut st), Errno::ECHILD);
    c.check("wait-echild");

    c.fails("missing", onebox::spawn("/missing.wasm", b"", b"", ""), Errno::ENOENT);
    c.fails("not wasm", onebox::spawn("/not-wasm.txt", b"", b"", ""), Errno::ENOEXEC);
    c.check("spawn-errors");

    let parked = spawn_self(b"park\0").unwrap_or(-1);
    match onebox::kill(parked) {
        Err(e) => c.failed(format!("kill: {e}")),
        Ok(()) => match onebox::wait(parked, &mut st) {
            Err(_) => c.failed("wait failed".into()),
            Ok(_) if st.status != 137 || st.reason != onebox::REASON_KILLED => c.failed(format!("status {} reason {}", st.status, st.reason)),
            Ok(_) => {}
        },
    }
    c.check("kill");

    c.fails("kill", onebox::kill(parked), Errno::ESRCH);
    c.fails("send", send_text(parked, 1, "x"), Errno::ESRCH);
    c.check("kill-esrch");

    for (tag, text) in [(1, "a"), (2, "b"), (3, "c")] {
        let _ = send_text(me, tag, text);
    }
    let describe = |r: Result<(String, RecvInfo), Errno>, from_me: bool| match r {
        Ok((text, info)) => format!("{}{}{}", info.tag, text, if from_me && info.sender != me { "?" } else { "" }),
        Err(_) => "-".into(),
    };
    let got = [
        describe(recv_text(&[3, 9], onebox::TIMEOUT_INFINITE), true),
        describe(recv_text(&[], onebox::TIMEOUT_INFINITE), false),
        describe(recv_text(&[], 0), false),
    ]
    .join(" ");
    if got != "3c 1a 2b" {
        c.failed(format!("got {got}"));
    }
    c.check("send-recv-tags");

    c.fails("recv", recv_text(&[], 0), Errno::EAGAIN);
    c.check("recv-eagain");

    let _ = send_text(me, 1, "queued");
    c.fails("recv", recv_text(&[5], 20), Errno::ETIMEDOUT);
    if !matches!(recv_text(&[1], 0), Ok((text, _)) if text == "queued") {
        c.failed("queued message lost".into());
    }
    c.check("recv-etimedout");

    // E2BIG: a message longer than the buffer stays queued, its length in recv_info.len.
    let _ = send_text(me, 4, "12345678");
    let mut info = RecvInfo::default();
    c.fails("recv", onebox::recv(&[], 0, &mut [0u8; 4], &mut info), Errno::E2BIG);
    let len = info.len;
    if len != 8 || !matches!(recv_text(&[4], 0), Ok((text, _)) if text == "12345678") {
        c.failed(format!("len {len}"));
    }
    c.check("recv-e2big");

    c.fails("send", send_text(me, -2, "x"), Errno::EINVAL);
    c.check("send-einval");

    let rw = onebox::O_READ | onebox::O_WRITE | onebox::O_CREATE | onebox::O_TRUNC;
    c.fails("open before mkdir", onebox::open("/d/f", rw), Errno::ENOENT);
    c.succeeds("mkdir", onebox::mkdir("/d"));
    let fd = onebox::open("/d/f", rw).unwrap_or(-1);
    if fd < 3 {
        c.failed(format!("open: {fd}"));
    }
    if onebox::write(fd, b"hello world") != Ok(11) {
        c.failed("write".into());
    }
    if seek(fd, 6, onebox::SEEK_SET) != Ok(6) {
        c.failed("seek set".into());
    }
    let mut buf = [0u8; 5];
    if onebox::read(fd, &mut buf) != Ok(5) || &buf != b"world" {
        c.failed("read".into());
    }
    if seek(fd, 0, onebox::SEEK_END) != Ok(11) {
        c.failed("seek end".into());
    }
    c.succeeds("close", onebox::close(fd));
    let mut s = Stat::default();
    if onebox::stat("/d/f", &mut s).is_err() || s.size != 11 || s.kind != onebox::KIND_FILE as u32 {
        c.failed("stat".into());
    }
    let mut names = [0u8; 64];
    if onebox::readdir("/d", &mut names) != Ok(2) || &names[..2] != b"f\0" {
        c.failed("readdir".into());
    }
    c.succeeds("rename", onebox::rename("/d/f", "/d/g"));
    c.fails("open renamed", onebox::open("/d/f", onebox::O_READ), Errno::ENOENT);
    c.fails("unlink full dir", onebox::unlink("/d"), Errno::ENOTEMPTY);
    c.succeeds("unlink", onebox::unlink("/d/g"));
    c.succeeds("rmdir", onebox::unlink("/d"));
    c.check("files");

    c.fails("read", onebox::read(999, &mut buf), Errno::EBADF);
    c.fails("close", onebox::close(999), Errno::EBADF);
    c.check("file-ebadf");

    c.fails("open", onebox::open("/missing", onebox::O_READ), Errno::ENOENT);
    if onebox::stat("/missing", &mut s) != Err(Errno::ENOENT) {
        c.failed("stat".into());
    }
    c.check("file-enoent");

    c.fails("open", onebox::open("/escape/secret", onebox::O_READ), Errno::EACCES);
    c.fails("open via ..", onebox::open("/../escape/secret", onebox::O_READ), Errno::EACCES);
    c.check("file-eacces");

    let t1 = lock("L", onebox::TIMEOUT_INFINITE);
    if !matches!(t1, Ok(t) if t > 0) {
        c.failed(format!("lock: {t1:?}"));
    }
    c.fails("relock", lock("L", onebox::TIMEOUT_INFINITE), Errno::EDEADLK);
    c.succeeds("unlock", onebox::unlock("L"));
    c.fails("unlock again", onebox::unlock("L"), Errno::EPERM);
    if trylock("L").unwrap_or(0) <= t1.unwrap_or(u64::MAX) {
        c.failed("token did not grow".into());
    }
    c.succeeds("unlock", onebox::unlock("L"));
    c.check("locks");

    let holder = spawn_self(b"hold\0H\0").unwrap_or(-1);
    let _ = recv_text(&[TAG_HELD], onebox::TIMEOUT_INFINITE);
    c.fails("trylock", trylock("H"), Errno::EBUSY);
    c.fails("lock", lock("H", 20), Errno::ETIMEDOUT);
    let _ = onebox::kill(holder);
    let _ = onebox::wait(holder, &mut st);
    if !matches!(lock("H", onebox::TIMEOUT_INFINITE), Ok(t) if t > 0) {
        c.failed("not released on death".into());
    }
    c.succeeds("unlock", onebox::unlock("H"));
    c.check("lock-busy");

    c.succeeds("register", onebox::register("conf"));
    if onebox::whereis("conf") != Ok(me) {
        c.failed("whereis".into());
    }
    c.fails("register again", onebox::register("conf"), Errno::EEXIST);
    c.succeeds("unregister", onebox::unregister("conf"));
    c.fails("whereis", onebox::whereis("conf"), Errno::ENOENT);
    c.fails("unregister again", onebox::unregister("conf"), Errno::ENOENT);
    c.check("registry");

    let down = |timeout: i32| {
        let mut info = RecvInfo::default();
        let mut buf = [0u8; 64];
        onebox::recv(&[onebox::TAG_DOWN], timeout, &mut buf, &mut info).ok().and_then(|n| DownMessage::from_bytes(&buf[..n]))
    };
    let watched = spawn_self(b"park\0").unwrap_or(-1);
    let reference = onebox::monitor(watched);
    let _ = onebox::kill(watched);
    let message = down(onebox::TIMEOUT_INFINITE);
    let _ = onebox::wait(watched, &mut st);
    match message {
        _ if !matches!(reference, Ok(r) if r > 0) => c.failed(format!("monitor: {reference:?}")),
        None => c.failed("down missing".into()),
        Some(d) if d.pid != watched || d.reason != onebox::REASON_KILLED || d.status != 137 => c.failed(format!("pid {} reason {}", d.pid, d.reason)),
        Some(_) => {}
    }
    c.check("monitor");

    let reference = onebox::monitor(watched).unwrap_or(0);
    if !matches!(down(0), Some(d) if d.reason == onebox::REASON_KILLED) {
        c.failed("no KILLED down for a process that ended".into());
    }
    c.fails("demonitor fired", onebox::demonitor(reference), Errno::EINVAL);
    c.check("monitor-ended");

    c.succeeds("sleep", onebox::sleep(1));
    c.fails("sleep -1", onebox::sleep(-1), Errno::EINVAL);
    c.check("sleep");

    if args.len() != 2 || args[1] != "main" {
        c.failed(format!("argc {}", args.len()));
    }
    c.check("args");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("exit") => onebox::exit(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1)),
        Some("park") => std::process::exit(park().is_err() as i32),
        Some("hold") => {
            let _ = lock(&args[2], onebox::TIMEOUT_INFINITE);
            let _ = send_text(onebox::getppid(), TAG_HELD, "held");
            std::process::exit(park().is_err() as i32);
        }
        _ => main_checks(&args),
    }
}
