// Reads standard input to its end with std::io::stdin().lock().lines() and prints what it
// saw: onebox run forwards its own stdin to fd 0. Compared with node:wasi on the same input.
use std::io::{self, BufRead, Read};

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut lines = 0u64;
    let mut bytes = 0u64;
    let mut checksum = 0u64;
    let mut longest = 0usize;
    for line in stdin.lock().lines() {
        let line = line?;
        lines += 1;
        // Each line's bytes and the newline lines() took off.
        for b in line.bytes().chain(std::iter::once(b'\n')) {
            bytes += 1;
            checksum = (checksum * 31 + b as u64) % 1_000_000_007;
        }
        longest = longest.max(line.len());
        if lines <= 3 {
            println!("line {}: {}", lines, line.to_uppercase());
        }
    }
    let mut more = [0u8; 1];
    let after = stdin.lock().read(&mut more)?;
    println!("lines {} bytes {} checksum {} longest {} read after eof {}", lines, bytes, checksum, longest, after);
    Ok(())
}
