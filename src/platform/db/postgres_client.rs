//! Opening PostgreSQL connections through libpq.
//!
//! libpq brings OpenSSL, and OpenSSL 3 frees its global state from an `atexit` handler. A
//! process that exits while another thread still touches a TLS connection (a pool closing, a
//! worker draining) then dies with a double free or SIGSEGV *after* a clean shutdown — seen in
//! our own test runs. OpenSSL offers `OPENSSL_INIT_NO_ATEXIT` for exactly this; it only works if
//! it is the first initialisation, so every PostgreSQL connection goes through here.

use std::sync::Once;

use diesel::{Connection, ConnectionResult, PgConnection};

/// Establishes a connection after making sure OpenSSL will not tear itself down at exit.
pub fn establish_postgres(url: &str) -> ConnectionResult<PgConnection> {
    skip_openssl_exit_cleanup();
    PgConnection::establish(url)
}

fn skip_openssl_exit_cleanup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // From openssl/crypto.h; stable across OpenSSL 1.1 and 3.
        const OPENSSL_INIT_NO_ATEXIT: u64 = 0x0008_0000;
        type InitCrypto = unsafe extern "C" fn(u64, *const libc::c_void) -> libc::c_int;
        // libcrypto is loaded with libpq; looked up at run time so a libpq built without
        // OpenSSL (or a static one) needs nothing from us.
        // SAFETY: the name is a NUL-terminated C string; RTLD_DEFAULT searches loaded objects.
        let symbol = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"OPENSSL_init_crypto".as_ptr()) };
        if !symbol.is_null() {
            // SAFETY: OPENSSL_init_crypto has had this signature since OpenSSL 1.1.0, and a
            // null settings pointer is documented as "use defaults".
            unsafe {
                let init: InitCrypto = std::mem::transmute(symbol);
                init(OPENSSL_INIT_NO_ATEXIT, std::ptr::null());
            }
        }
    });
}
