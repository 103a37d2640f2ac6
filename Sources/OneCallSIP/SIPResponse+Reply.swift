extension SIPResponse {
    /// A response to a request (RFC 3261 §8.2.6): its Via fields, From, To (with `toTag` added when
    /// the request's To has none), Call-ID and CSeq copied, and Content-Length set from the body.
    public init(
        replyingTo request: SIPRequest, status: Int, reason: String? = nil, toTag: String? = nil,
        extra: [SIPHeaders.Field] = [], contentType: String? = nil, body: [UInt8] = []
    ) {
        var headers = SIPHeaders()
        for value in request.headers.values("Via") { headers.add("Via", value) }
        if let from = request.headers["From"] { headers.add("From", from) }
        if let to = request.headers["To"] {
            if let toTag, status != 100, var address = try? SIPNameAddress(parsing: to), address.tag == nil {
                address.tag = toTag
                headers.add("To", address.description)
            } else {
                headers.add("To", to)
            }
        }
        if let callID = request.headers["Call-ID"] { headers.add("Call-ID", callID) }
        if let cseq = request.headers["CSeq"] { headers.add("CSeq", cseq) }
        for field in extra { headers.add(field.name, field.value) }
        if let contentType { headers.add("Content-Type", contentType) }
        headers.add("Content-Length", String(body.count))
        self.init(status: status, reason: reason ?? Self.defaultReason(status), headers: headers, body: body)
    }
}
