//! The public menu's JSON and entity tag, serialised once per menu rather than per request.
//!
//! The catalog hands out the same `Arc<Menu>` until the menu changes, so the body built for
//! one is reused while the catalog keeps returning it. A menu that arrives as a fresh value
//! each time (from a remote catalog) is serialised each time, and still gets the right tag.

use std::sync::{Arc, RwLock};

use actix_web::web::Bytes;

use crate::modules::catalog::api::Menu;
use crate::platform::http::etag;

#[derive(Default)]
pub struct MenuBody {
    last: RwLock<Option<Rendered>>,
}

#[derive(Clone)]
pub struct Rendered {
    menu: Arc<Menu>,
    pub json: Bytes,
    pub etag: String,
}

impl MenuBody {
    pub fn render(&self, menu: Arc<Menu>) -> Result<Rendered, serde_json::Error> {
        if let Ok(last) = self.last.read()
            && let Some(rendered) = last.as_ref()
            && Arc::ptr_eq(&rendered.menu, &menu)
        {
            return Ok(rendered.clone());
        }
        let json = serde_json::to_vec(menu.as_ref())?;
        let rendered = Rendered {
            etag: etag::for_bytes(&json),
            json: json.into(),
            menu,
        };
        if let Ok(mut last) = self.last.write() {
            *last = Some(rendered.clone());
        }
        Ok(rendered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_the_body_while_the_menu_is_the_same_and_retags_a_new_one() {
        let body = MenuBody::default();
        let empty = Arc::new(Menu { categories: vec![] });
        let first = body.render(empty.clone()).unwrap();
        assert_eq!(&first.json[..], br#"{"categories":[]}"#);
        let again = body.render(empty).unwrap();
        assert_eq!(
            again.json.as_ptr(),
            first.json.as_ptr(),
            "not serialised twice"
        );

        let equal_copy = body.render(Arc::new(Menu { categories: vec![] })).unwrap();
        assert_eq!(equal_copy.etag, first.etag, "same content, same tag");
        assert_ne!(equal_copy.json.as_ptr(), first.json.as_ptr());
    }
}
