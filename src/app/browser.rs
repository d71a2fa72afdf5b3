//! Files in a web page (wasm32 only), where the app has no file system:
//! saving is a download (`download`), opening is the browser's own file
//! picker (`FilePick`), whose pick arrives a few frames later.

use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Offer `bytes` to the user as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let js = |e: JsValue| format!("the browser refused the download of {name}: {e:?}");
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(js)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(js)?;
    Ok(())
}

/// A file the user is choosing in the browser's picker: `None` while the
/// picker is open, then `Some(None)` if cancelled or `Some(Some((name, text)))`.
/// (Behind a mutex: the app's resources must be `Send`, though a page has one thread.)
pub struct FilePick(Arc<Mutex<Option<Option<(String, String)>>>>);

/// Put a pick in the slot.
fn put(slot: &Mutex<Option<Option<(String, String)>>>, pick: Option<(String, String)>) {
    if let Ok(mut s) = slot.lock() {
        *s = Some(pick);
    }
}

impl FilePick {
    /// Open the picker for files ending in `accept` (".ron").
    pub fn open(accept: &str) -> Result<Self, String> {
        let js = |e: JsValue| format!("the browser's file picker did not open: {e:?}");
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let input: web_sys::HtmlInputElement = document.create_element("input").map_err(js)?.unchecked_into();
        input.set_type("file");
        input.set_accept(accept);
        let slot = Arc::new(Mutex::new(None));
        let (on_pick, on_cancel) = (slot.clone(), slot.clone());
        let picked = input.clone();
        let change = Closure::<dyn FnMut()>::new(move || {
            let Some(file) = picked.files().and_then(|f| f.get(0)) else {
                put(&on_pick, None);
                return;
            };
            let slot = on_pick.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                put(&slot, text.map(|t| (file.name(), t)));
            });
        });
        let cancel = Closure::<dyn FnMut()>::new(move || put(&on_cancel, None));
        input.set_onchange(Some(change.as_ref().unchecked_ref()));
        input.add_event_listener_with_callback("cancel", cancel.as_ref().unchecked_ref()).map_err(js)?;
        // The input lives as long as the page may call back into it.
        change.forget();
        cancel.forget();
        input.click();
        Ok(Self(slot))
    }

    /// The pick, once made (taken: the next call says `None` again).
    pub fn take(&self) -> Option<Option<(String, String)>> {
        self.0.lock().ok()?.take()
    }
}
