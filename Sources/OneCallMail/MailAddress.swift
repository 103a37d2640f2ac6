/// A mailbox: an address `local@domain` (RFC 5321 §4.1.2, ASCII only) and an optional display
/// name, checked when created so that nothing malformed reaches a header or an SMTP command.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The longest address accepted, in octets (RFC 5321 §4.5.3.1 bounds paths at 256 with brackets).
    public static let maximumLength = 254
    /// The longest local part accepted (RFC 5321 §4.5.3.1.1).
    public static let maximumLocalPartLength = 64
    /// The longest display name accepted, in characters.
    public static let maximumDisplayNameLength = 200

    /// The address, `local@domain`.
    public let address: String
    /// The display name, shown before the address in headers.
    public let displayName: String?

    /// Checks `address` and `displayName`; throws ``SMTPError/Code/invalidMessage`` when either is
    /// malformed or holds CR, LF or other control characters.
    public init(_ address: String, displayName: String? = nil) throws(SMTPError) {
        try Self.validate(address: address)
        if let displayName {
            guard displayName.count <= Self.maximumDisplayNameLength else {
                throw SMTPError(.invalidMessage, "display name too long")
            }
            guard !displayName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw SMTPError(
                    .invalidMessage, "display name holds CR, LF or another control character (header injection)")
            }
        }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// Parses `ops@example.com`, `<ops@example.com>` or `Site Operator <ops@example.com>` (the name
    /// may be in double quotes).
    public init(parsing text: String) throws(SMTPError) {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(trimmed)
            return
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingSpaces
        if name.count >= 2 && name.hasPrefix("\"") && name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast()).replacingBackslashEscapes
        }
        try self.init(address, displayName: name.isEmpty ? nil : name)
    }

    public var description: String {
        displayName.map { "\($0) <\(address)>" } ?? address
    }

    /// The local part, before the last `@`.
    public var localPart: Substring { address[..<address.lastIndex(of: "@")!] }
    /// The domain, after the last `@`.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    // MARK: Validation

    static func validate(address: String) throws(SMTPError) {
        let bytes = Array(address.utf8)
        if bytes.contains(where: { $0 == 13 || $0 == 10 }) {
            throw SMTPError(.invalidMessage, "address holds CR or LF (header injection)", detail: address)
        }
        guard !bytes.isEmpty, bytes.count <= maximumLength else {
            throw SMTPError(.invalidMessage, "address empty or longer than \(maximumLength) octets")
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
            throw SMTPError(.invalidMessage, "address has no @", detail: address)
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= maximumLocalPartLength,
            local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
            local.allSatisfy({ isAtomText($0) || $0 == UInt8(ascii: ".") })
        else {
            throw SMTPError(.invalidMessage, "malformed local part", detail: address)
        }
        guard isValidDomain(domain) else {
            throw SMTPError(.invalidMessage, "malformed domain", detail: address)
        }
    }

    /// A domain name (LDH labels, RFC 5321 §4.1.2) or an address literal such as `[127.0.0.1]`.
    static func isValidDomain(_ domain: some BidirectionalCollection<UInt8>) -> Bool {
        guard !domain.isEmpty, domain.count <= 253 else { return false }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else { return false }
            return domain.dropFirst().dropLast().allSatisfy {
                isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":")
            }
        }
        for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"),
                label.last != UInt8(ascii: "-"), label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }

    /// `atext` of RFC 5322 §3.2.3.
    static func isAtomText(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    fileprivate var replacingBackslashEscapes: String {
        var result = ""
        var escaped = false
        for character in self {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}
