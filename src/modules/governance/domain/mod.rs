pub mod inventory;
pub mod usage;
