//! Prints the extraction of one page: `one FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: one FILE");
    let html = std::fs::read(path).expect("read");
    let e =
        parallax_extract::extract(&html, &parallax_extract::Options::default()).expect("extract");
    let mut e2 = e.clone();
    e2.paragraphs.clear();
    println!("{e2:#?}");
    for b in &e.paragraphs {
        println!("[{:?}] {}", b.kind, b.text);
    }
}
