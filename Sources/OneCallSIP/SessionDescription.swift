/// A session description (RFC 4566): origin, connection, and media sections with their attributes.
/// It holds what an audio call needs; other lines are kept in order per section so that nothing is lost.
public struct SessionDescription: Sendable, Hashable {
    /// One `a=` attribute: `a=name:value` or the flag `a=name`.
    public struct Attribute: Sendable, Hashable {
        /// The attribute name (`rtpmap`, `fmtp`, `ptime`, `sendrecv`, …).
        public var name: String
        /// The value after `:`, or `nil` for a flag.
        public var value: String?

        /// Creates an attribute.
        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// One `m=` section.
    public struct Media: Sendable, Hashable {
        /// The media type (`audio`, `video`, …).
        public var type: String
        /// The transport port; 0 means the stream is rejected or disabled.
        public var port: Int
        /// The transport protocol (`RTP/AVP`).
        public var transport: String
        /// The format list: RTP payload type numbers for RTP/AVP.
        public var formats: [String]
        /// The section's own connection address (`c=`), if any.
        public var connectionAddress: String?
        /// The section's attributes in order.
        public var attributes: [Attribute]

        /// Creates a media section.
        public init(
            type: String, port: Int, transport: String = "RTP/AVP", formats: [String],
            connectionAddress: String? = nil, attributes: [Attribute] = []
        ) {
            self.type = type
            self.port = port
            self.transport = transport
            self.formats = formats
            self.connectionAddress = connectionAddress
            self.attributes = attributes
        }

        /// The payload type numbers in the format list (formats that are not numbers skipped).
        public var payloadTypes: [Int] { formats.compactMap { SIPSyntax.decimal($0, maximumDigits: 3) } }

        /// The encoding name and clock rate an `a=rtpmap` gives a payload type (`PCMU`, 8000).
        public func rtpMap(_ payloadType: Int) -> (encoding: String, clockRate: Int)? {
            for attribute in attributes where attribute.name == "rtpmap" {
                guard let value = attribute.value else { continue }
                let parts = value.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, SIPSyntax.decimal(parts[0], maximumDigits: 3) == payloadType else { continue }
                let encoding = parts[1].split(separator: "/")
                guard encoding.count >= 2, let rate = SIPSyntax.decimal(encoding[1]) else { continue }
                return (String(encoding[0]), rate)
            }
            return nil
        }

        /// The direction attribute (`sendrecv`, `sendonly`, `recvonly`, `inactive`); `sendrecv` when absent.
        public var direction: String {
            let directions = ["sendrecv", "sendonly", "recvonly", "inactive"]
            return attributes.last(where: { directions.contains($0.name) && $0.value == nil })?.name ?? "sendrecv"
        }
    }

    /// The `o=` user name.
    public var originUsername: String
    /// The `o=` session id.
    public var sessionID: UInt64
    /// The `o=` session version, increased on each change.
    public var sessionVersion: UInt64
    /// The `o=` unicast address.
    public var originAddress: String
    /// The `s=` session name.
    public var sessionName: String
    /// The session-level `c=` address, if any.
    public var connectionAddress: String?
    /// Session-level attributes.
    public var attributes: [Attribute]
    /// The media sections in order.
    public var media: [Media]

    /// Creates a description.
    public init(
        originUsername: String = "-", sessionID: UInt64, sessionVersion: UInt64, originAddress: String,
        sessionName: String = "-", connectionAddress: String?, attributes: [Attribute] = [], media: [Media]
    ) {
        self.originUsername = originUsername
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.originAddress = originAddress
        self.sessionName = sessionName
        self.connectionAddress = connectionAddress
        self.attributes = attributes
        self.media = media
    }

    /// The description as sent: CR LF after each line.
    public var text: String {
        var lines = [
            "v=0",
            "o=\(originUsername) \(sessionID) \(sessionVersion) IN \(Self.addressType(originAddress)) \(originAddress)",
            "s=\(sessionName)",
        ]
        if let connectionAddress { lines.append("c=IN \(Self.addressType(connectionAddress)) \(connectionAddress)") }
        lines.append("t=0 0")
        lines += attributes.map(Self.line)
        for section in media {
            lines.append(
                "m=\(section.type) \(section.port) \(section.transport) \(section.formats.joined(separator: " "))")
            if let address = section.connectionAddress {
                lines.append("c=IN \(Self.addressType(address)) \(address)")
            }
            lines += section.attributes.map(Self.line)
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    private static func line(_ attribute: Attribute) -> String {
        "a=\(attribute.name)" + (attribute.value.map { ":" + $0 } ?? "")
    }

    private static func addressType(_ address: String) -> String { address.contains(":") ? "IP6" : "IP4" }

    /// Parses a description. Throws ``SIPError/Code/malformed`` when `v=0`, `o=` or an `m=` line is
    /// malformed, and ``SIPError/Code/tooLarge`` past the line bound.
    public init(parsing bytes: [UInt8], limits: SIPLimits = .standard) throws(SIPError) {
        guard bytes.count <= limits.maximumBodySize else { throw SIPError(.tooLarge, "session description too large") }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SIPError(.malformed, "session description is not UTF-8")
        }
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
            .filter { !$0.isEmpty }
        guard lines.count <= limits.maximumSessionDescriptionLines else {
            throw SIPError(.tooLarge, "session description has too many lines")
        }
        guard lines.first == "v=0" else { throw SIPError(.malformed, "session description must start with v=0") }
        originUsername = "-"
        sessionID = 0
        sessionVersion = 0
        originAddress = ""
        sessionName = "-"
        connectionAddress = nil
        attributes = []
        media = []
        var sawOrigin = false
        for line in lines.dropFirst() {
            guard line.count >= 2, line.dropFirst().first == "=", let type = line.first else {
                throw SIPError(.malformed, "session description line is not type=value")
            }
            let value = line.dropFirst(2)
            switch type {
            case "o":
                let parts = value.split(separator: " ")
                guard parts.count == 6, let id = UInt64(parts[1]), let version = UInt64(parts[2]) else {
                    throw SIPError(.malformed, "bad o= line")
                }
                originUsername = String(parts[0])
                sessionID = id
                sessionVersion = version
                originAddress = String(parts[5])
                sawOrigin = true
            case "s":
                sessionName = String(value)
            case "c":
                let address = try Self.parseConnection(value)
                if media.isEmpty {
                    connectionAddress = address
                } else {
                    media[media.count - 1].connectionAddress = address
                }
            case "m":
                let parts = value.split(separator: " ")
                guard parts.count >= 3,
                    let port = SIPSyntax.decimal(
                        parts[1].split(separator: "/", omittingEmptySubsequences: false)[0], maximumDigits: 5),
                    port <= 65535
                else { throw SIPError(.malformed, "bad m= line") }
                media.append(
                    Media(
                        type: String(parts[0]), port: port, transport: String(parts[2]),
                        formats: parts.dropFirst(3).map(String.init)))
            case "a":
                let attribute: Attribute
                if let colon = value.firstIndex(of: ":") {
                    attribute = Attribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
                } else {
                    attribute = Attribute(String(value))
                }
                if media.isEmpty {
                    attributes.append(attribute)
                } else {
                    media[media.count - 1].attributes.append(attribute)
                }
            default:
                continue
            }
        }
        guard sawOrigin else { throw SIPError(.malformed, "session description without o=") }
    }

    private static func parseConnection(_ value: Substring) throws(SIPError) -> String {
        let parts = value.split(separator: " ")
        guard parts.count == 3, parts[0] == "IN", parts[1] == "IP4" || parts[1] == "IP6" else {
            throw SIPError(.malformed, "bad c= line")
        }
        // A multicast address may carry /ttl; unicast is what calls use.
        let address = parts[2].split(separator: "/", omittingEmptySubsequences: false)[0]
        guard !address.isEmpty else { throw SIPError(.malformed, "bad c= line") }
        return String(address)
    }
}
