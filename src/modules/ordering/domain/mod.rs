pub mod admission;
pub mod pricing;
pub mod status;
