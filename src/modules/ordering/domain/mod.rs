pub mod pricing;
pub mod status;
