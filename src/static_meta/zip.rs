//! Just enough of ZIP to read an Office file's parts: the central directory's entries and
//! their stored or deflated data (inflated with `miniz_oxide`, capped). Nothing is written.
//! (The `zip` crate would do, but its `zeroize_derive` turns on a `syn` feature that makes
//! every procedural macro of the build, and so nearly everything, compile again.)

/// One file of the archive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    method: u16,
    encrypted: bool,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

impl Entry {
    pub fn encrypted(&self) -> bool {
        self.encrypted
    }
}

/// Why an archive or one of its parts can't be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("it is not a readable ZIP archive")]
    Damaged,
    #[error("it is password-protected")]
    Encrypted,
    #[error("a part of it is too large to check")]
    TooLarge,
    #[error("a part of it is compressed in a way PolicyPress can't read")]
    Method,
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The entries of the central directory (at most `max`).
pub fn entries(b: &[u8], max: usize) -> Result<Vec<Entry>, ZipError> {
    // The end-of-central-directory record is in the last 64 KB + 22 bytes.
    let from = b.len().saturating_sub(65_557);
    let eocd = b[from..]
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .map(|p| from + p)
        .ok_or(ZipError::Damaged)?;
    let mut count = u64::from(le16(b, eocd + 10).ok_or(ZipError::Damaged)?);
    let mut offset = u64::from(le32(b, eocd + 16).ok_or(ZipError::Damaged)?);
    if count == 0xFFFF || offset == 0xFFFF_FFFF {
        // ZIP64: the locator just before the record points at the ZIP64 record.
        let locator = eocd.checked_sub(20).ok_or(ZipError::Damaged)?;
        if b.get(locator..locator + 4) != Some(&b"PK\x06\x07"[..]) {
            return Err(ZipError::Damaged);
        }
        let record = usize::try_from(le64(b, locator + 8).ok_or(ZipError::Damaged)?)
            .map_err(|_| ZipError::Damaged)?;
        if b.get(record..record + 4) != Some(&b"PK\x06\x06"[..]) {
            return Err(ZipError::Damaged);
        }
        count = le64(b, record + 32).ok_or(ZipError::Damaged)?;
        offset = le64(b, record + 48).ok_or(ZipError::Damaged)?;
    }
    if count > max as u64 {
        return Err(ZipError::TooLarge);
    }
    let mut at = usize::try_from(offset).map_err(|_| ZipError::Damaged)?;
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
        if b.get(at..at + 4) != Some(&b"PK\x01\x02"[..]) {
            return Err(ZipError::Damaged);
        }
        let field = |o: usize| le16(b, at + o).ok_or(ZipError::Damaged);
        let long = |o: usize| le32(b, at + o).ok_or(ZipError::Damaged);
        let flags = field(8)?;
        let method = field(10)?;
        let mut compressed = u64::from(long(20)?);
        let mut size = u64::from(long(24)?);
        let name_len = usize::from(field(28)?);
        let extra_len = usize::from(field(30)?);
        let comment_len = usize::from(field(32)?);
        let mut local_offset = u64::from(long(42)?);
        let name_bytes = b
            .get(at + 46..at + 46 + name_len)
            .ok_or(ZipError::Damaged)?;
        let extra = b
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or(ZipError::Damaged)?;
        // ZIP64 sizes and offset, in that order, for the fields that overflowed.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = le16(extra, e).ok_or(ZipError::Damaged)?;
            let len = usize::from(le16(extra, e + 2).ok_or(ZipError::Damaged)?);
            if id == 1 {
                let mut p = e + 4;
                for slot in [&mut size, &mut compressed, &mut local_offset] {
                    if *slot == 0xFFFF_FFFF {
                        *slot = le64(extra, p).ok_or(ZipError::Damaged)?;
                        p += 8;
                    }
                }
            }
            e += 4 + len;
        }
        out.push(Entry {
            name: String::from_utf8_lossy(name_bytes).into_owned(),
            method,
            encrypted: flags & 1 != 0,
            compressed,
            size,
            local_offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// An entry's data, at most `limit` bytes once inflated.
pub fn read(b: &[u8], entry: &Entry, limit: usize) -> Result<Vec<u8>, ZipError> {
    if entry.encrypted {
        return Err(ZipError::Encrypted);
    }
    if entry.size > limit as u64 {
        return Err(ZipError::TooLarge);
    }
    let at = usize::try_from(entry.local_offset).map_err(|_| ZipError::Damaged)?;
    if b.get(at..at + 4) != Some(&b"PK\x03\x04"[..]) {
        return Err(ZipError::Damaged);
    }
    let name_len = usize::from(le16(b, at + 26).ok_or(ZipError::Damaged)?);
    let extra_len = usize::from(le16(b, at + 28).ok_or(ZipError::Damaged)?);
    let start = at + 30 + name_len + extra_len;
    let len = usize::try_from(entry.compressed).map_err(|_| ZipError::Damaged)?;
    let data = b
        .get(start..start.checked_add(len).ok_or(ZipError::Damaged)?)
        .ok_or(ZipError::Damaged)?;
    match entry.method {
        0 => Ok(data.to_vec()),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit).map_err(|e| {
            if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                ZipError::TooLarge
            } else {
                ZipError::Damaged
            }
        }),
        _ => Err(ZipError::Method),
    }
}

/// A ZIP archive of the given (name, data) files, stored without compression: for tests.
#[cfg(test)]
pub fn stored(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = 0u32;
        let head = |sig: &[u8], out: &mut Vec<u8>, central: bool| {
            out.extend_from_slice(sig);
            if central {
                out.extend_from_slice(&20u16.to_le_bytes());
            }
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            if central {
                out.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
                out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                out.extend_from_slice(&offset.to_le_bytes());
            }
            out.extend_from_slice(name.as_bytes());
        };
        head(b"PK\x03\x04", &mut out, false);
        out.extend_from_slice(data);
        head(b"PK\x01\x02", &mut central, true);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_and_deflated_parts_are_read() {
        let z = stored(&[("a.txt", b"hello"), ("docProps/core.xml", b"<x/>")]);
        let list = entries(&z, 10).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].name, "docProps/core.xml");
        assert_eq!(read(&z, &list[0], 100).unwrap(), b"hello");
        assert_eq!(read(&z, &list[0], 2), Err(ZipError::TooLarge));
        assert_eq!(entries(&z, 1).unwrap_err(), ZipError::TooLarge);
        assert!(entries(b"PK\x03\x04 nothing", 10).is_err());
    }
}
