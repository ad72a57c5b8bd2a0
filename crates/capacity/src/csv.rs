//! A small CSV reader for the BKPPD's spreadsheet exports: comma or semicolon separated (Excel
//! in an Indonesian locale writes semicolons), quoted fields with doubled quotes, CRLF or LF,
//! an optional UTF-8 byte-order mark. Only UTF-8 is accepted: Latin-1 bytes are refused with a
//! message, never guessed, so a name like "Sèran" is not silently mangled.

/// One record and the line it starts on (the header is line 1).
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CsvError {
    NotUtf8,
    Empty,
    UnclosedQuote { line: usize },
}

/// Splits `bytes` into records; blank lines are skipped.
pub fn parse(bytes: &[u8]) -> Result<Vec<Record>, CsvError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == separator => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push_record(&mut records, start_line, std::mem::take(&mut fields));
                line += 1;
                start_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError::UnclosedQuote { line: start_line });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        push_record(&mut records, start_line, fields);
    }
    if records.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(records)
}

fn push_record(records: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    if fields.iter().all(|f| f.trim().is_empty()) {
        return;
    }
    records.push(Record {
        line,
        fields: fields.into_iter().map(|f| f.trim().to_string()).collect(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_commas_semicolons_quotes_and_crlf() {
        let records = parse(b"a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n1,2").expect("parses");
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].fields, vec!["x, y", "say \"hi\""]);
        assert_eq!(records[2].line, 4);
        let records = parse("\u{feff}a;b\n1,5;2\n".as_bytes()).expect("parses");
        assert_eq!(records[1].fields, vec!["1,5", "2"]);
    }

    #[test]
    fn refuses_latin1_and_unclosed_quotes() {
        assert_eq!(parse(b"nama\nS\xe8ran\n"), Err(CsvError::NotUtf8));
        assert_eq!(
            parse(b"a\n\"open\n"),
            Err(CsvError::UnclosedQuote { line: 2 })
        );
        assert_eq!(parse(b"\n\n"), Err(CsvError::Empty));
    }
}
