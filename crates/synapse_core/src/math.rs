//! The model's transcendental functions (exp, ln, powers, sin, cos, atan2),
//! from one pure-Rust implementation, the `libm` crate, so the same inputs
//! give the same bits on every platform the app runs on.
//!
//! Why: `+ − × ÷` and `sqrt` are exact (IEEE 754) everywhere, but
//! `f64::exp`, `ln`, `powf`, `sin` and `cos` call the platform's maths
//! library (glibc, the Windows CRT, the wasm target's own), which differ in
//! the last bit for some inputs. One such bit changes a Markov transition,
//! and the state hash of a run would differ between Linux, Windows and a
//! browser. `powi` is done here by repeated multiplication: Rust leaves its
//! rounding unspecified. The core's `clippy.toml` forbids the `std` methods,
//! so a new call cannot slip past this module.

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// e^x − 1, accurate for small x.
#[inline]
pub fn exp_m1(x: f64) -> f64 {
    libm::expm1(x)
}

/// The natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// The base-10 logarithm (figures' log axes).
#[inline]
pub fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// x^y for a real exponent.
#[inline]
pub fn powf(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// x^n for an integer exponent, by binary exponentiation (the same rounding
/// sequence on every platform; x^2 is exactly x·x).
#[inline]
pub fn powi(x: f64, n: i32) -> f64 {
    let mut base = if n < 0 { 1.0 / x } else { x };
    let mut k = n.unsigned_abs();
    let mut out = 1.0;
    while k > 0 {
        if k & 1 == 1 {
            out *= base;
        }
        k >>= 1;
        if k > 0 {
            base *= base;
        }
    }
    out
}

/// x·x in single precision (squared distances of molecules).
#[inline]
pub fn sq32(x: f32) -> f32 {
    x * x
}

#[inline]
pub fn sin(x: f64) -> f64 {
    libm::sin(x)
}

#[inline]
pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

#[inline]
pub fn sinf(x: f32) -> f32 {
    libm::sinf(x)
}

#[inline]
pub fn cosf(x: f32) -> f32 {
    libm::cosf(x)
}

/// The angle of (x, y) from the x axis, radians.
#[inline]
pub fn atan2(y: f64, x: f64) -> f64 {
    libm::atan2(y, x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bits of a few values are pinned: they are libm's, whatever the
    /// platform (a change means the libm crate changed its algorithm). e¹
    /// shows why this module exists: libm gives …576a, one unit in the last
    /// place above the correctly rounded …5769 that glibc's `exp` returns.
    #[test]
    fn the_bits_are_libms_on_every_platform() {
        assert_eq!(exp(1.0).to_bits(), 0x4005_bf0a_8b14_576a);
        assert_eq!(ln(10.0).to_bits(), 0x4002_6bb1_bbb5_5516);
        assert_eq!(powf(2.0, 0.5).to_bits(), std::f64::consts::SQRT_2.to_bits());
    }

    #[test]
    fn integer_powers_multiply() {
        for x in [0.3, -1.7, 2.0, 1e-3] {
            assert_eq!(powi(x, 0), 1.0);
            assert_eq!(powi(x, 1), x);
            assert_eq!(powi(x, 2), x * x);
            assert_eq!(powi(x, 3), x * x * x);
            assert!((powi(x, -2) - 1.0 / (x * x)).abs() <= 1e-12 * (1.0 / (x * x)).abs());
        }
    }
}
