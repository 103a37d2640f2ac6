extension SIPHeaders {
    /// The Call-ID, or `nil`.
    public var callID: String? { self["Call-ID"] }

    /// The parsed CSeq, or `nil` when absent or malformed.
    public var cseq: SIPCSeq? { self["CSeq"].flatMap { try? SIPCSeq(parsing: $0) } }

    /// The parsed From, or `nil` when absent or malformed.
    public var from: SIPNameAddress? { self["From"].flatMap { try? SIPNameAddress(parsing: $0) } }

    /// The parsed To, or `nil` when absent or malformed.
    public var to: SIPNameAddress? { self["To"].flatMap { try? SIPNameAddress(parsing: $0) } }

    /// The top (first) Via, or `nil` when absent or malformed.
    public var topVia: SIPVia? { elements("Via").first.flatMap { try? SIPVia(parsing: $0) } }

    /// The first Contact address, or `nil` when absent, `*` or malformed.
    public var contact: SIPNameAddress? {
        elements("Contact").first.flatMap { try? SIPNameAddress(parsing: $0) }
    }

    /// The Record-Route addresses in order; malformed elements are skipped.
    public var recordRoute: [SIPNameAddress] {
        elements("Record-Route").compactMap { try? SIPNameAddress(parsing: $0) }
    }

    /// The media type of the body, lower-case and without parameters (`application/sdp`), or `nil`.
    public var contentType: String? {
        guard let value = self["Content-Type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map { SIPSyntax.trimmed($0) } ?? ""
        return type.isEmpty ? nil : type.lowercased()
    }
}
