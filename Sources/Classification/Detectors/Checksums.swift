/// The check-digit algorithms the detectors use. Digits are values 0…9.
public enum Checksums {
    /// The Luhn (mod 10) check of payment card numbers (ISO/IEC 7812-1).
    public static func luhn(_ digits: [UInt8]) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// The ABA routing number check: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10), and
    /// the first two digits in a range the Federal Reserve assigns (00–12, 21–32, 61–72, 80).
    public static func abaRouting(_ digits: [UInt8]) -> Bool {
        guard digits.count == 9 else { return false }
        let d = digits.map(Int.init)
        let prefix = d[0] * 10 + d[1]
        guard (0...12).contains(prefix) || (21...32).contains(prefix) || (61...72).contains(prefix) || prefix == 80 else { return false }
        guard d.contains(where: { $0 != 0 }) else { return false }
        let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
        return sum % 10 == 0
    }

    /// Whether nine digits can be a Social Security number: the SSA never issues area 000, 666
    /// or 900–999, group 00 or serial 0000.
    public static func validSSN(_ digits: [UInt8]) -> Bool {
        guard digits.count == 9 else { return false }
        let d = digits.map(Int.init)
        let area = d[0] * 100 + d[1] * 10 + d[2]
        let group = d[3] * 10 + d[4]
        let serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8]
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// Whether a 13–19 digit number starts with a card network's issuer identification prefix
    /// and has a length that network uses.
    public static func knownCardPrefix(_ digits: [UInt8]) -> Bool {
        func prefix(_ n: Int) -> Int { digits.prefix(n).reduce(0) { $0 * 10 + Int($1) } }
        let length = digits.count
        guard (13...19).contains(length) else { return false }
        switch digits[0] {
        case 4: return [13, 16, 19].contains(length)  // Visa
        case 5: return (51...55).contains(prefix(2)) && length == 16  // Mastercard
        case 2: return (2221...2720).contains(prefix(4)) && length == 16  // Mastercard 2-series
        case 3:
            if [34, 37].contains(prefix(2)) { return length == 15 }  // American Express
            if (3528...3589).contains(prefix(4)) { return length >= 16 }  // JCB
            if prefix(2) == 36 || (300...305).contains(prefix(3)) || [38, 39].contains(prefix(2)) { return length >= 14 }  // Diners
            return false
        case 6:
            // Discover (6011, 644–649, 65), UnionPay (62).
            return (prefix(4) == 6011 || (644...649).contains(prefix(3)) || prefix(2) == 65 || prefix(2) == 62) && length >= 16
        default: return false
        }
    }
}
