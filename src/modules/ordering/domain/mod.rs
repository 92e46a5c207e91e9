pub mod admission;
pub mod pricing;
pub mod promise;
pub mod status;
