/// Answers 401 and 407 challenges with digest credentials, counting each nonce's uses (`nc`).
struct SIPAuthenticator: Sendable {
    private var nonceCounts: [(nonce: String, count: Int)] = []

    /// The Authorization (for 401) or Proxy-Authorization (for 407) field that answers the
    /// challenge in `response` for `request`. Throws ``SIPError/Code/unsupportedAuthentication``
    /// when no challenge in it can be answered.
    mutating func authorization(
        answering response: SIPResponse, for request: SIPRequest, credentials: DigestCredentials, cnonce: String
    ) throws(SIPError) -> SIPHeaders.Field {
        let isProxy = response.status == 407
        let challenges = response.headers.values(isProxy ? "Proxy-Authenticate" : "WWW-Authenticate")
        guard let challenge = DigestChallenge.preferred(among: challenges) else {
            throw SIPError(.unsupportedAuthentication, "no digest challenge this agent can answer")
        }
        let count = nextCount(for: challenge.nonce)
        let answer = try DigestAuthorization(
            challenge: challenge, credentials: credentials, method: request.method, uri: request.uri.description,
            body: request.body, cnonce: cnonce, nonceCount: count)
        return SIPHeaders.Field(name: isProxy ? "Proxy-Authorization" : "Authorization", value: answer.headerValue)
    }

    private mutating func nextCount(for nonce: String) -> Int {
        if let index = nonceCounts.firstIndex(where: { $0.nonce == nonce }) {
            nonceCounts[index].count += 1
            return nonceCounts[index].count
        }
        nonceCounts.append((nonce, 1))
        if nonceCounts.count > 8 { nonceCounts.removeFirst() }
        return 1
    }
}
