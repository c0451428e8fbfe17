/// Washington driver's licence numbers.
///
/// - Current format (since 2018): `WDL` followed by 9 letters or digits (at least one digit),
///   e.g. `WDL1A2B3C4D5`. The prefix is distinctive: no context word is needed.
/// - Legacy format (before 2018), 12 characters `LLLLLFMYYXmb`: the first five letters of the
///   last name padded with `*`, the first initial, the middle initial or `*`, two digits
///   (100 minus the birth year), a check digit, then two letters or digits encoding the birth
///   month and day, e.g. `WOO**JT547KA`, `WALKECR577DU`. Source: Alan De Smet, "Washington
///   Driver's License Numbers (Prior to 2018)", http://www.highprogrammer.com/alan/numbers/dl_us_wa.html
///   (the AAMVA/DOL layout, also summarised on wikiforgery.com/wiki/Washington_Driver_License:
///   "first 5 letters of last name, first and middle initials, year of birth subtracted from
///   100, and special codes"). The check digit formula published there does not reproduce on
///   that page's own example, so it is not used. Without a checksum, a legacy shape counts only
///   when it has a `*` pad or a licence word (licence, license, licencia, driver, DL) is near.
enum LicenceDetector {
    static func findings(in text: ScanText) -> [SensitiveFinding] {
        var findings: [SensitiveFinding] = []
        let bytes = text.bytes
        let folded = text.folded
        var index = 0
        func isTokenByte(_ byte: UInt8) -> Bool { ScanText.isWordByte(byte) || byte == UInt8(ascii: "*") }
        while index < bytes.count {
            guard isTokenByte(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
            let token = Array(bytes[index..<end])
            let lowered = Array(folded[index..<end])
            if token.count == 12 {
                if isNewFormat(lowered) {
                    findings.append(SensitiveFinding(kind: .driversLicense, utf8Range: index..<end))
                } else if isLegacyFormat(token),
                    token.contains(UInt8(ascii: "*")) || text.contexts(near: index..<end).contains(.licence)
                {
                    findings.append(SensitiveFinding(kind: .driversLicense, utf8Range: index..<end))
                }
            }
            index = end
        }
        return findings
    }

    /// `wdl` + 9 letters or digits, at least one a digit (folded input).
    static func isNewFormat(_ lowered: [UInt8]) -> Bool {
        guard lowered.count == 12, lowered[0] == UInt8(ascii: "w"), lowered[1] == UInt8(ascii: "d"), lowered[2] == UInt8(ascii: "l") else { return false }
        let rest = lowered[3...]
        return rest.allSatisfy { ScanText.isDigit($0) || ScanText.isASCIILetter($0) } && rest.contains(where: ScanText.isDigit)
    }

    /// `LLLLLFMYYXmb`, capitals as printed on the licence.
    static func isLegacyFormat(_ token: [UInt8]) -> Bool {
        func upper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        func star(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "*") }
        guard token.count == 12, upper(token[0]) else { return false }
        // The last name: letters, then only `*` padding.
        var padded = false
        for byte in token[1..<5] {
            if star(byte) { padded = true } else if !upper(byte) || padded { return false }
        }
        return upper(token[5]) && (upper(token[6]) || star(token[6]))
            && token[7..<10].allSatisfy(ScanText.isDigit)
            && token[10..<12].allSatisfy { upper($0) || ScanText.isDigit($0) }
    }
}
