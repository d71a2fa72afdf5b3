//! Helpers shared by the integration tests that look at pictures.

/// Pixels of `img` in [x0, x1) × [y0, y1) that satisfy `pred` (r, g, b as i32).
pub fn count(img: &image::RgbImage, (x0, x1, y0, y1): (u32, u32, u32, u32), pred: impl Fn(i32, i32, i32) -> bool) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b] = img.get_pixel(x, y).0;
            pred(r as i32, g as i32, b as i32)
        })
        .count()
}
