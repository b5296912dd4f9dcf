//! UK telephone numbers, however they are written, as the digits that identify them.

/// Digits of a number in national form: "+44 (0)7700 900123" → "07700900123".
pub fn national_digits(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if let Some(rest) = s.trim().strip_prefix("+44") {
        let rest_digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let rest_digits = rest_digits
            .strip_prefix('0')
            .unwrap_or(&rest_digits)
            .to_string();
        return format!("0{rest_digits}");
    }
    digits
}
