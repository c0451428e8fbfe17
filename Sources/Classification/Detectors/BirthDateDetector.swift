/// Dates of birth: a calendar date with a birth word near it ("DOB", "date of birth", "born",
/// "birthday", "fecha de nacimiento", "nací", "cumpleaños" …, within 40 bytes before or 25
/// after). Formats: `M/D/YYYY`, `M-D-YY`, `D.M.YYYY` (either day-month order), `YYYY-MM-DD`,
/// `March 5, 1980`, `Mar 5 1980`, `5 March 1980`, `5 de marzo de 1980`. A year alone ("born in
/// 1980") is not a date of birth.
enum BirthDateDetector {
    static func findings(in text: ScanText) -> [SensitiveFinding] {
        (numericDates(in: text.bytes) + namedDates(in: text))
            .filter { text.contexts(near: $0).contains(.birth) }
            .map { SensitiveFinding(kind: .dateOfBirth, utf8Range: $0) }
    }

    /// Numeric dates: three digit groups with the same separator (`/`, `-` or `.`).
    static func numericDates(in bytes: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard ScanText.isDigit(bytes[index]), index == 0 || !ScanText.isWordByte(bytes[index - 1]) else {
                index += 1
                continue
            }
            var groups: [Int] = []
            var lengths: [Int] = []
            var separator: UInt8?
            var end = index
            while groups.count < 3 {
                var value = 0
                var length = 0
                while end < bytes.count, ScanText.isDigit(bytes[end]), length < 5 {
                    value = value * 10 + Int(bytes[end] - 0x30)
                    length += 1
                    end += 1
                }
                guard length > 0 else { break }
                groups.append(value)
                lengths.append(length)
                guard groups.count < 3, end + 1 < bytes.count, [UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: ".")].contains(bytes[end]),
                    separator == nil || separator == bytes[end], ScanText.isDigit(bytes[end + 1])
                else { break }
                separator = bytes[end]
                end += 1
            }
            let boundedAfter =
                end == bytes.count
                || !(ScanText.isWordByte(bytes[end]) || (bytes[end] == separator && end + 1 < bytes.count && ScanText.isDigit(bytes[end + 1])))
            if groups.count == 3, boundedAfter, isDate(groups, lengths) { found.append(index..<end) }
            index = max(end, index + 1)
            while index < bytes.count, ScanText.isWordByte(bytes[index]) { index += 1 }
        }
        return found
    }

    static func isDate(_ groups: [Int], _ lengths: [Int]) -> Bool {
        if lengths == [4, 2, 2] { return plausibleYear(groups[0]) && validDay(groups[2], month: groups[1]) }
        guard lengths[0] <= 2, lengths[1] <= 2, lengths[2] == 2 || (lengths[2] == 4 && plausibleYear(groups[2])) else { return false }
        return validDay(groups[1], month: groups[0]) || validDay(groups[0], month: groups[1])
    }

    static func plausibleYear(_ year: Int) -> Bool { (1900...2030).contains(year) }
    static func validDay(_ day: Int, month: Int) -> Bool { (1...12).contains(month) && (1...31).contains(day) }

    static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
        "noviembre", "diciembre",
    ].map { Array($0.utf8) }

    /// `March 5, 1980`, `Mar. 5 1980`, `5 March 1980`, `5 de marzo de 1980`, `5 de marzo del 1980`.
    static func namedDates(in text: ScanText) -> [Range<Int>] {
        let folded = text.folded
        var found: [Range<Int>] = []
        for month in monthNames {
            for range in ScanText.occurrences(of: month, in: folded) {
                // After: [.] day[,] year
                var cursor = range.upperBound
                if cursor < folded.count, folded[cursor] == UInt8(ascii: ".") { cursor += 1 }
                if let (day, afterDay) = number(in: folded, from: skipSpaces(folded, cursor), maxLength: 2), (1...31).contains(day) {
                    var next = afterDay
                    if next < folded.count, folded[next] == UInt8(ascii: ",") { next += 1 }
                    if let (year, afterYear) = number(in: folded, from: skipSpaces(folded, next), maxLength: 4), plausibleYear(year) {
                        found.append(range.lowerBound..<afterYear)
                        continue
                    }
                }
                // Before: day [de] month [de|del|,] year
                var start = range.lowerBound
                start = skipBack(folded, start)
                if start >= 2, folded[(start - 2)..<start].elementsEqual(Array("de".utf8)) { start = skipBack(folded, start - 2) }
                var dayStart = start
                while dayStart > 0, ScanText.isDigit(folded[dayStart - 1]), start - dayStart < 2 { dayStart -= 1 }
                guard dayStart < start, dayStart == 0 || !ScanText.isWordByte(folded[dayStart - 1]) else { continue }
                var after = skipSpaces(folded, range.upperBound)
                for word in ["del", "de", ","] where folded[after...].starts(with: Array(word.utf8)) {
                    after = skipSpaces(folded, after + word.utf8.count)
                    break
                }
                if let (year, afterYear) = number(in: folded, from: after, maxLength: 4), plausibleYear(year) {
                    found.append(dayStart..<afterYear)
                }
            }
        }
        return found
    }

    private static func skipSpaces(_ bytes: [UInt8], _ from: Int) -> Int {
        var index = from
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    private static func skipBack(_ bytes: [UInt8], _ from: Int) -> Int {
        var index = from
        while index > 0, bytes[index - 1] == UInt8(ascii: " ") { index -= 1 }
        return index
    }

    /// A whole number of at most `maxLength` digits starting at `from`, ending at a word boundary.
    private static func number(in bytes: [UInt8], from: Int, maxLength: Int) -> (Int, Int)? {
        var index = from
        var value = 0
        while index < bytes.count, ScanText.isDigit(bytes[index]), index - from < maxLength {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
        }
        guard index > from, index == bytes.count || !ScanText.isWordByte(bytes[index]) else { return nil }
        return (value, index)
    }
}
