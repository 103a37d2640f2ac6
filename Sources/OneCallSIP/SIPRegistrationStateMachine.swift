/// One REGISTER (RFC 3261 §10) as a value: a non-INVITE client transaction (§17.1.2, Timers E and
/// F) that answers one digest challenge. It takes responses and timers and returns actions.
public struct SIPRegistrationStateMachine: Sendable {
    /// What the registration needs to know.
    public struct Settings: Sendable {
        /// This agent: Via, Contact, User-Agent, credentials and timers.
        public var endpoint: SIPLocalEndpoint
        /// The registrar's URI (the Request-URI, `sip:domain`).
        public var registrar: SIPURI
        /// The address of record, in From and To.
        public var addressOfRecord: SIPNameAddress
        /// The Call-ID (the same for every refresh from one agent, §10.2).
        public var callID: String
        /// The CSeq of the first REGISTER.
        public var cseq: UInt32
        /// The binding lifetime asked for, in seconds; 0 removes the binding.
        public var expires: Int

        /// Creates settings.
        public init(
            endpoint: SIPLocalEndpoint, registrar: SIPURI, addressOfRecord: SIPNameAddress, callID: String,
            cseq: UInt32 = 1, expires: Int
        ) {
            self.endpoint = endpoint
            self.registrar = registrar
            self.addressOfRecord = addressOfRecord
            self.callID = callID
            self.cseq = cseq
            self.expires = expires
        }
    }

    /// The timers the driver runs.
    public enum Timer: Sendable, Hashable {
        /// Timer E: retransmit.
        case retransmit
        /// Timer F: give up.
        case timeout
    }

    /// How the registration ended.
    public enum Outcome: Sendable, Hashable {
        /// The registrar accepted; the lifetime it granted, in seconds.
        case registered(expires: Int)
        /// It failed: refused, timed out, or the credentials were refused.
        case failed(SIPError)
    }

    /// What the driver must do.
    public enum Action: Sendable, Hashable {
        /// Send the request to the outbound proxy.
        case sendRequest(SIPRequest)
        /// Start (or restart) a timer.
        case startTimer(Timer, Duration)
        /// Stop a timer.
        case cancelTimer(Timer)
        /// The registration is over.
        case finished(Outcome)
    }

    /// The settings the registration runs with.
    public let settings: Settings
    /// The CSeq of the request in flight (it grows with a challenge).
    public private(set) var cseq: UInt32
    private var random: any RandomNumberGenerator & Sendable
    private var authenticator = SIPAuthenticator()
    private var request: SIPRequest?
    private var branch = ""
    private var interval = Duration.zero
    private var proceeding = false
    private var authAttempts = 0
    private var finished = false

    /// Creates the registration; `random` makes branches and cnonces.
    public init(settings: Settings, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.settings = settings
        self.cseq = settings.cseq
        self.random = random
    }

    /// Sends the REGISTER.
    public mutating func start() -> [Action] {
        guard request == nil else { return [] }
        return send(authorization: nil)
    }

    /// Takes a response matched by Call-ID.
    public mutating func responseReceived(_ response: SIPResponse) -> [Action] {
        guard !finished, let request, response.headers.topVia?.branch == branch,
            response.headers.cseq == SIPCSeq(cseq, .register)
        else { return [] }
        if response.isProvisional {
            proceeding = true
            return []
        }
        let stop: [Action] = [.cancelTimer(.retransmit), .cancelTimer(.timeout)]
        if response.isSuccess {
            return stop + finish(.registered(expires: grantedExpires(response)))
        }
        if response.status == 401 || response.status == 407 {
            guard let credentials = settings.endpoint.credentials else {
                return stop
                    + finish(
                        .failed(
                            SIPError(
                                .authenticationFailed, "challenged, and no credentials are configured",
                                status: response.status)))
            }
            guard authAttempts == 0 else {
                return stop
                    + finish(.failed(SIPError(.authenticationFailed, "credentials refused", status: response.status)))
            }
            authAttempts += 1
            cseq += 1
            let cnonce = SIPSyntax.randomHex(byteCount: 8, using: &random)
            do throws(SIPError) {
                let authorization = try authenticator.authorization(
                    answering: response, for: request, credentials: credentials, cnonce: cnonce)
                return stop + send(authorization: authorization)
            } catch {
                return stop + finish(.failed(error))
            }
        }
        return stop
            + finish(
                .failed(SIPError(.refused, "the registrar refused", status: response.status, detail: response.reason)))
    }

    /// Takes a timer that fired.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        guard !finished, let request else { return [] }
        switch timer {
        case .retransmit:
            interval = proceeding ? settings.endpoint.timers.t2 : min(interval * 2, settings.endpoint.timers.t2)
            return [.sendRequest(request), .startTimer(.retransmit, interval)]
        case .timeout:
            return [.cancelTimer(.retransmit)] + finish(.failed(SIPError(.timeout, "no response to REGISTER")))
        }
    }

    private mutating func send(authorization: SIPHeaders.Field?) -> [Action] {
        branch = SIPLocalEndpoint.newBranch(using: &random)
        var extra = [SIPHeaders.Field(name: "Expires", value: String(settings.expires))]
        if let authorization { extra.append(authorization) }
        let request = settings.endpoint.request(
            .register, uri: settings.registrar, branch: branch, route: [], from: settings.addressOfRecord,
            to: SIPNameAddress(displayName: settings.addressOfRecord.displayName, uri: settings.addressOfRecord.uri),
            callID: settings.callID, cseq: cseq, extra: extra)
        self.request = request
        proceeding = false
        interval = settings.endpoint.timers.t1
        return [
            .sendRequest(request), .startTimer(.retransmit, interval),
            .startTimer(.timeout, settings.endpoint.timers.transactionTimeout),
        ]
    }

    private mutating func finish(_ outcome: Outcome) -> [Action] {
        finished = true
        return [.finished(outcome)]
    }

    /// The lifetime granted: our Contact's `expires`, else the Expires header, else what was asked.
    private func grantedExpires(_ response: SIPResponse) -> Int {
        let ours = settings.endpoint.contact
        for element in response.headers.elements("Contact") {
            guard let contact = try? SIPNameAddress(parsing: element), contact.uri.host == ours.host,
                contact.uri.port == ours.port, let value = contact.parameters["expires"],
                let seconds = SIPSyntax.decimal(value)
            else { continue }
            return seconds
        }
        if let value = response.headers["Expires"], let seconds = SIPSyntax.decimal(value) { return seconds }
        return settings.expires
    }
}
