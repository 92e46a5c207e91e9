//! How the module's calls fail: the common ways only.

crate::common_error! {
    /// How venues' calls fail.
    VenuesError
}
