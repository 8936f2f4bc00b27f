//! Times pathological inputs: `patho`.
use std::time::Instant;
fn main() {
    let cases = [
        ("deep", "<div>".repeat(100_000) + "text" + &"</div>".repeat(100_000)),
        ("wide", "<p>x</p>".repeat(100_000)),
        ("broken", "<html><body><p>unclosed <b><i><table><tr><td>cell<p>para</table></i><script>var x = '</p>';</scr".repeat(200)),
        ("inline", "<b>".repeat(100_000)),
        ("table", "<table><tr><td>".repeat(20_000)),
    ];
    for (name, html) in cases {
        let t = Instant::now();
        let r = parallax_extract::extract(html.as_bytes(), &Default::default());
        println!("{name}: {:?} ok={}", t.elapsed(), r.is_ok());
    }
}
