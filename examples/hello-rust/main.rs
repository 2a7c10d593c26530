// The smallest Rust guest: std's println through WASI, and one call of the onebox crate,
// which `onebox build` passes to rustc so no Cargo.toml is needed.
fn main() {
    println!("hello from pid {}", onebox::getpid());
}
