import Foundation

/// Splits a SQL script into statements at top-level semicolons, respecting quoted strings,
/// quoted identifiers, dollar-quoted bodies and comments.
///
/// PostgresNIO speaks the extended query protocol, which runs one statement per query, so a
/// migration file is split and its statements are run one by one inside one transaction.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        var hasContent = false

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if hasContent && !text.isEmpty { statements.append(text) }
            current = String.UnicodeScalarView()
            hasContent = false
        }

        while index < chars.count {
            let c = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            if c == "-" && next == "-" {
                while index < chars.count && chars[index] != "\n" {
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == "/" && next == "*" {
                var depth = 0
                repeat {
                    if chars[index] == "/" && index + 1 < chars.count && chars[index + 1] == "*" {
                        depth += 1
                        current.append(contentsOf: [chars[index], chars[index + 1]])
                        index += 2
                        continue
                    }
                    if chars[index] == "*" && index + 1 < chars.count && chars[index + 1] == "/" {
                        depth -= 1
                        current.append(contentsOf: [chars[index], chars[index + 1]])
                        index += 2
                        continue
                    }
                    current.append(chars[index])
                    index += 1
                } while depth > 0 && index < chars.count
                continue
            }
            if c == "'" || c == "\"" {
                hasContent = true
                current.append(c)
                index += 1
                while index < chars.count {
                    current.append(chars[index])
                    if chars[index] == c {
                        if index + 1 < chars.count && chars[index + 1] == c {
                            current.append(chars[index + 1])
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
                continue
            }
            if c == "$", let tag = dollarTag(chars, at: index) {
                hasContent = true
                current.append(contentsOf: tag)
                index += tag.count
                while index < chars.count {
                    if chars[index] == "$", Array(chars[index..<min(chars.count, index + tag.count)]) == tag {
                        current.append(contentsOf: tag)
                        index += tag.count
                        break
                    }
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == ";" {
                flush()
                index += 1
                continue
            }
            if !c.properties.isWhitespace { hasContent = true }
            current.append(c)
            index += 1
        }
        flush()
        return statements
    }

    /// A dollar-quote opening tag (`$$` or `$name$`) at `index`, or nil.
    private static func dollarTag(_ chars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < chars.count {
            let c = chars[end]
            if c == "$" { return Array(chars[index...end]) }
            if !(c.properties.isAlphabetic || c == "_" || (end > index + 1 && c.properties.numericType != nil)) { return nil }
            end += 1
        }
        return nil
    }
}
