//! The app in a web page. `link` reads the page's address (the query
//! parameters a lecturer puts in a link) into the app's options; it is
//! plain Rust, built and tested on every platform. `page` (wasm32 only)
//! starts the app in the page's canvas and gives the page its API,
//! `window.synapseLab`, and its downloads and uploads.

pub mod link;
#[cfg(web)]
pub mod page;

#[cfg(web)]
pub use page::main;
