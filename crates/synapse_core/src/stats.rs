//! Small statistics used by the validation and the tests: moments, a
//! one-sample Kolmogorov–Smirnov test, least-squares lines, ranks and
//! correlations.
use crate::math;

/// Mean and unbiased variance.
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| math::powi(x - m, 2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Least-squares line through `(x, y)` points: (slope, intercept); NaN with fewer than two.
pub fn linear_fit(pts: &[(f64, f64)]) -> (f64, f64) {
    if pts.len() < 2 {
        return (f64::NAN, f64::NAN);
    }
    let n = pts.len() as f64;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| math::powi(p.0 - mx, 2)).sum();
    let slope = sxy / sxx;
    (slope, my - slope * mx)
}

/// 1-based ranks of `xs`, smallest first; ties share their mean rank
/// (Spearman's ρ is `pearson` of two such rank lists).
pub fn mean_ranks(xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|&x| 1.0 + xs.iter().filter(|&&y| y < x).count() as f64 + (xs.iter().filter(|&&y| y == x).count() as f64 - 1.0) / 2.0).collect()
}

/// Pearson's correlation of two equally long lists.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    cov / (va * vb).sqrt()
}

/// One-sample Kolmogorov–Smirnov statistic D of `xs` against `cdf`
/// (sorts a copy).
pub fn ks_statistic(xs: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    s.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// Asymptotic KS p-value for statistic `d` with `n` samples
/// (Kolmogorov distribution, with Stephens' small-n correction).
pub fn ks_p_value(d: f64, n: usize) -> f64 {
    let sn = (n as f64).sqrt();
    let lambda = (sn + 0.12 + 0.11 / sn) * d;
    let mut sum = 0.0;
    for k in 1..=100 {
        let k = k as f64;
        let term = 2.0 * math::powf(-1.0f64, k - 1.0) * math::exp(-2.0 * k * k * lambda * lambda);
        sum += term;
        if term.abs() < 1e-12 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_p_value_known_points() {
        // λ = 1.36 is the classic 5% critical value.
        let n = 10_000;
        let d = 1.358 / ((n as f64).sqrt() + 0.12 + 0.11 / (n as f64).sqrt());
        assert!((ks_p_value(d, n) - 0.05).abs() < 0.002);
    }
}
