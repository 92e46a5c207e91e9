// The migrations are embedded in the binary: re-embed them when a folder is added or renamed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
