//! The storage conformance suite on the embedded SQLite store.

use parallax_store::{ArticleStore, Store};

parallax_store::conformance_tests!(|| Some(
    Box::new(Store::in_memory().unwrap()) as Box<dyn ArticleStore>
));
