pub mod retry;
pub mod signature;
pub mod ssrf;
