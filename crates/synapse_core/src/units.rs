//! Units and unit conversions, in one place.
//!
//! The core works in micrometres (µm), milliseconds (ms), millimolar (mM) for
//! concentrations inside kinetic rates, picosiemens (pS), millivolts (mV) and
//! picoamperes (pA). Field names carry their unit (`d_um2_per_ms`, `conc_um`).

/// Avogadro's number (CODATA 2018, exact by the 2019 SI definition).
pub const AVOGADRO_PER_MOL: f64 = 6.022_140_76e23;

/// Molecules in one µm³ at 1 mM: 1e-3 mol/L × 1e-15 L/µm³ × N_A.
pub const MOLECULES_PER_UM3_PER_MM: f64 = AVOGADRO_PER_MOL * 1e-18;

/// Concentration (mM) of `n` molecules in `volume_um3`.
/// A value as a message shows it: huge ones in scientific notation (1e308,
/// not a 309-digit integer), the rest as Rust writes them.
pub fn readable(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e9 { format!("{v:e}") } else { format!("{v}") }
}

pub fn molecules_to_mm(n: f64, volume_um3: f64) -> f64 {
    n / (MOLECULES_PER_UM3_PER_MM * volume_um3)
}

/// Number of molecules at `conc_mm` in `volume_um3`.
pub fn mm_to_molecules(conc_mm: f64, volume_um3: f64) -> f64 {
    conc_mm * MOLECULES_PER_UM3_PER_MM * volume_um3
}

/// Current in pA through `g_ps` picosiemens at driving force `v_mv - e_mv`.
/// pS × mV = 1e-15 A = 1e-3 pA.
pub fn current_pa(g_ps: f64, v_mv: f64, e_mv: f64) -> f64 {
    g_ps * (v_mv - e_mv) * 1e-3
}

/// Split "50ms" or "1.5 uM" into its number and its unit (trimmed); `None`
/// if it does not start with a number.
pub fn split_number_unit(text: &str) -> Option<(f64, &str)> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    Some((num.parse().ok()?, unit.trim()))
}

/// Parse a duration with a unit ("50ms", "200us", "2s", "24h", "10min").
/// Returns milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<f64, String> {
    let (value, unit) = split_number_unit(text).ok_or_else(|| format!("'{text}' is not a duration: write a number and a unit, e.g. 50ms"))?;
    let factor = match unit {
        "us" | "µs" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "min" => 60e3,
        "h" => 3600e3,
        "d" => 86_400e3,
        "" => return Err(format!("'{text}' has no unit: write e.g. 50ms, 200us, 2s")),
        u => return Err(format!("'{text}': unknown time unit '{u}' (use us, ms, s, min, h or d)")),
    };
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("'{text}': a duration must be a positive number"));
    }
    Ok(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vesicle_in_the_cleft_is_millimolar() {
        // 3,500 molecules in a disc of radius 0.15 µm and height 20 nm.
        let v = std::f64::consts::PI * crate::math::powi(0.15f64, 2) * 0.020;
        let c = molecules_to_mm(3500.0, v);
        assert!((c - 4.11).abs() < 0.01, "{c}");
        assert!((mm_to_molecules(c, v) - 3500.0).abs() < 1e-9);
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration_ms("50ms").unwrap(), 50.0);
        assert_eq!(parse_duration_ms("200us").unwrap(), 0.2);
        assert_eq!(parse_duration_ms("2s").unwrap(), 2000.0);
        assert_eq!(parse_duration_ms("24h").unwrap(), 86_400_000.0);
        assert!(parse_duration_ms("50").unwrap_err().contains("no unit"));
        assert!(parse_duration_ms("-5ms").is_err());
        assert!(parse_duration_ms("5 parsecs").is_err());
    }

    #[test]
    fn current_sign_is_inward_negative() {
        // 10 pS at -70 mV with E = 0: -0.7 pA.
        assert!((current_pa(10.0, -70.0, 0.0) + 0.7).abs() < 1e-12);
    }
}
