/// One outbound call as a value: the INVITE client transaction (RFC 3261 §17.1.1), CANCEL (§9),
/// digest challenges (§22), the dialog it creates (§12) and its end with BYE (§15). It takes events
/// — responses, requests, timers, the caller's wishes — and returns the actions to carry out, so
/// every path is tested without a socket.
///
/// The driver sends each ``Action/sendRequest(_:)`` to the outbound proxy, each
/// ``Action/sendResponse(_:)`` to where the request being handled came from, runs the timers it is
/// asked to, and feeds them back with ``timerFired(_:)``.
public struct SIPCallStateMachine: Sendable {
    /// What the call needs to know.
    public struct Settings: Sendable {
        /// This agent: Via, Contact, User-Agent, credentials and timers.
        public var endpoint: SIPLocalEndpoint
        /// The Call-ID.
        public var callID: String
        /// The From address, with this side's tag.
        public var from: SIPNameAddress
        /// The To address, without a tag.
        public var to: SIPNameAddress
        /// The Request-URI of the INVITE.
        public var requestURI: SIPURI
        /// The SDP offer sent with the INVITE.
        public var offer: SessionDescription
        /// How long to let it ring before CANCEL.
        public var ringTimeout: Duration
        /// Extra header fields for the INVITE (such as P-Asserted-Identity).
        public var extraHeaders: [SIPHeaders.Field]

        /// Creates settings.
        public init(
            endpoint: SIPLocalEndpoint, callID: String, from: SIPNameAddress, to: SIPNameAddress,
            requestURI: SIPURI, offer: SessionDescription, ringTimeout: Duration,
            extraHeaders: [SIPHeaders.Field] = []
        ) {
            self.endpoint = endpoint
            self.callID = callID
            self.from = from
            self.to = to
            self.requestURI = requestURI
            self.offer = offer
            self.ringTimeout = ringTimeout
            self.extraHeaders = extraHeaders
        }
    }

    /// The timers the driver runs for the call.
    public enum Timer: Sendable, Hashable {
        /// Timer A: retransmit the INVITE.
        case inviteRetransmit
        /// Timer B: give up on an INVITE that got no response.
        case inviteTimeout
        /// The ring timeout: CANCEL an unanswered INVITE.
        case ring
        /// Timer E for the CANCEL.
        case cancelRetransmit
        /// Timer F for the CANCEL.
        case cancelTimeout
        /// How long to wait for the INVITE's final response after CANCEL.
        case cancelGuard
        /// Timer E for the BYE.
        case byeRetransmit
        /// Timer F for the BYE.
        case byeTimeout
        /// Timer D: how long an ended call still absorbs retransmissions before it is forgotten.
        case linger
    }

    /// How a dial attempt ended.
    public enum DialResult: Sendable, Hashable {
        /// Answered: the media both sides agreed on.
        case answered(NegotiatedAudio)
        /// 486 Busy Here or 600 Busy Everywhere.
        case busy(status: Int, reason: String)
        /// Nobody answered: the ring timeout (CANCEL and 487), or 408, 480 or 487 from the far end.
        case noAnswer(status: Int?)
        /// Any other final refusal (603 Decline included).
        case rejected(status: Int, reason: String)
        /// The call could not be placed: timeout, transport, authentication, unusable answer, or cancelled.
        case failed(SIPError)
    }

    /// What the driver must do.
    public enum Action: Sendable, Hashable {
        /// Send the request to the outbound proxy.
        case sendRequest(SIPRequest)
        /// Send the response to the source of the request being handled.
        case sendResponse(SIPResponse)
        /// Start (or restart) a timer.
        case startTimer(Timer, Duration)
        /// Stop a timer.
        case cancelTimer(Timer)
        /// Start sending and receiving RTP.
        case startMedia(NegotiatedAudio)
        /// Stop the media.
        case stopMedia
        /// The dial attempt has an outcome (reported once).
        case dialFinished(DialResult)
        /// The far end sent a key press in an INFO request.
        case digitReceived(Character)
        /// The far end ended the established call with BYE.
        case remoteHungUp
        /// The local hang-up is over (BYE answered or timed out, or nothing to end).
        case hangUpFinished
        /// Forget the call: nothing more will happen.
        case terminate
    }

    /// Where the call is.
    public enum Phase: Sendable, Hashable {
        /// Not started.
        case idle
        /// INVITE sent, no final response yet.
        case calling
        /// CANCEL sent (or waiting for a provisional response to send it).
        case cancelling
        /// Answered and acknowledged.
        case established
        /// BYE sent, waiting for its final response.
        case hangingUp
        /// Over; still absorbing retransmissions until Timer D.
        case ended
        /// Forgotten.
        case terminated
    }

    private enum CancelReason: Sendable {
        case ringTimeout
        case local
    }

    /// The settings the call runs with.
    public let settings: Settings
    /// Where the call is.
    public private(set) var phase = Phase.idle
    /// Whether a provisional response (100, 180, 183) arrived for the current INVITE.
    public private(set) var receivedProvisional = false
    /// Whether the far end sent 180 or 183.
    public private(set) var isRinging = false

    private var random: any RandomNumberGenerator & Sendable
    private var authenticator = SIPAuthenticator()
    private var invite: SIPRequest?
    private var inviteBranch = ""
    private var inviteCSeq: UInt32 = 1
    private var inviteInterval = Duration.zero
    private var inviteAuthorization: SIPHeaders.Field?
    private var authAttempts = 0
    private var cancelReason: CancelReason?
    private var cancelRequest: SIPRequest?
    private var cancelInterval = Duration.zero
    private var cancelFinished = false
    private var earlyAnswer: SessionDescription?
    private var dialReported = false
    private var ack: SIPRequest?
    private var ackedStatus: Int?
    private var ackedTag: String?
    private var remoteTag: String?
    private var remoteTarget: SIPURI?
    private var routeSet: [SIPNameAddress] = []
    private var localCSeq: UInt32 = 1
    private var bye: SIPRequest?
    private var byeBranch = ""
    private var byeInterval = Duration.zero
    private var byeAuthAttempts = 0

    /// Creates the call; `random` makes branches and cnonces (seed it in tests).
    public init(settings: Settings, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.settings = settings
        self.random = random
    }

    private var timers: SIPTimers { settings.endpoint.timers }

    /// The far end's tag, once answered.
    public var remoteDialogTag: String? { remoteTag }

    // MARK: Events

    /// Sends the INVITE and starts Timers A and B and the ring timeout.
    public mutating func start() -> [Action] {
        guard phase == .idle else { return [] }
        phase = .calling
        inviteCSeq = 1
        localCSeq = 1
        var actions = sendInvite(authorization: nil)
        actions.append(.startTimer(.ring, settings.ringTimeout))
        return actions
    }

    /// Stops the attempt before it is answered: the outcome is ``DialResult/failed(_:)`` with
    /// ``SIPError/Code/cancelled`` at once, and CANCEL goes out once a provisional response came
    /// (an answer that wins the race is acknowledged and ended with BYE).
    public mutating func cancel() -> [Action] {
        switch phase {
        case .idle:
            phase = .terminated
            return report(.failed(SIPError(.cancelled, "cancelled before it was sent"))) + [.terminate]
        case .calling:
            return beginCancel(.local)
        default:
            return []
        }
    }

    /// Ends the established call with BYE; when there is nothing to end, reports
    /// ``Action/hangUpFinished`` at once.
    public mutating func hangUp() -> [Action] {
        switch phase {
        case .established:
            return sendBye()
        case .hangingUp:
            return []
        case .idle, .calling, .cancelling:
            return cancel() + [.hangUpFinished]
        case .ended, .terminated:
            return [.hangUpFinished]
        }
    }

    /// Takes a response that arrived for this call (matched by Call-ID).
    public mutating func responseReceived(_ response: SIPResponse) -> [Action] {
        guard let cseq = response.headers.cseq, let branch = response.headers.topVia?.branch else { return [] }
        switch cseq.method {
        case .invite where branch == inviteBranch && cseq.number == inviteCSeq:
            return inviteResponse(response)
        case .cancel where branch == inviteBranch:
            if response.isProvisional { return [] }
            cancelFinished = true
            return [.cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout)]
        case .bye where branch == byeBranch:
            return byeResponse(response)
        default:
            return []
        }
    }

    /// Takes a request that arrived for this call (matched by Call-ID).
    public mutating func requestReceived(_ request: SIPRequest) -> [Action] {
        switch request.method {
        case .ack:
            return []
        case .bye:
            switch phase {
            case .established:
                phase = .ended
                return [
                    .sendResponse(reply(request, 200)), .stopMedia, .remoteHungUp,
                    .startTimer(.linger, timers.transactionTimeout),
                ]
            case .hangingUp, .ended, .terminated:
                return [.sendResponse(reply(request, 200))]
            case .idle, .calling, .cancelling:
                return [.sendResponse(reply(request, 481))]
            }
        case .info:
            guard phase == .established || phase == .hangingUp else { return [.sendResponse(reply(request, 481))] }
            let type = request.headers.contentType
            if let type, !request.body.isEmpty, !DTMFInfoBody.mediaTypes.contains(type) {
                return [
                    .sendResponse(
                        reply(
                            request, 415,
                            extra: [.init(name: "Accept", value: "application/dtmf-relay, application/dtmf")]))
                ]
            }
            var actions: [Action] = [.sendResponse(reply(request, 200))]
            if let digit = DTMFInfoBody.digit(contentType: type, body: request.body) {
                actions.append(.digitReceived(digit))
            }
            return actions
        case .options:
            return [
                .sendResponse(
                    reply(request, 200, extra: [.init(name: "Allow", value: SIPLocalEndpoint.allowedMethods)]))
            ]
        case .invite:
            // A re-INVITE (session refresh or media change) is not supported: the call goes on as it was.
            return [.sendResponse(reply(request, 488))]
        case .cancel:
            return [.sendResponse(reply(request, 481))]
        default:
            return [
                .sendResponse(
                    reply(request, 501, extra: [.init(name: "Allow", value: SIPLocalEndpoint.allowedMethods)]))
            ]
        }
    }

    /// Takes a timer that fired.
    public mutating func timerFired(_ timer: Timer) -> [Action] {
        switch timer {
        case .inviteRetransmit:
            guard phase == .calling || phase == .cancelling, !receivedProvisional, let invite else { return [] }
            inviteInterval = inviteInterval * 2
            return [.sendRequest(invite), .startTimer(.inviteRetransmit, inviteInterval)]
        case .inviteTimeout:
            guard phase == .calling || phase == .cancelling, !receivedProvisional else { return [] }
            phase = .ended
            return [.cancelTimer(.inviteRetransmit), .cancelTimer(.ring)]
                + report(.failed(SIPError(.timeout, "no response to INVITE"))) + [.stopMedia, .terminate]
        case .ring:
            guard phase == .calling else { return [] }
            return beginCancel(.ringTimeout)
        case .cancelRetransmit:
            guard phase == .cancelling, !cancelFinished, let cancelRequest else { return [] }
            cancelInterval = min(cancelInterval * 2, timers.t2)
            return [.sendRequest(cancelRequest), .startTimer(.cancelRetransmit, cancelInterval)]
        case .cancelTimeout:
            cancelFinished = true
            return [.cancelTimer(.cancelRetransmit)]
        case .cancelGuard:
            guard phase == .cancelling else { return [] }
            phase = .ended
            return [.cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout)] + report(cancelOutcome(status: nil))
                + [.stopMedia, .startTimer(.linger, timers.transactionTimeout)]
        case .byeRetransmit:
            guard phase == .hangingUp, let bye else { return [] }
            byeInterval = min(byeInterval * 2, timers.t2)
            return [.sendRequest(bye), .startTimer(.byeRetransmit, byeInterval)]
        case .byeTimeout:
            guard phase == .hangingUp else { return [] }
            return finishHangUp()
        case .linger:
            guard phase != .terminated else { return [] }
            phase = .terminated
            return [.terminate]
        }
    }

    /// A request could not be sent: the attempt fails, or the hang-up ends.
    public mutating func transportFailed(_ error: SIPError) -> [Action] {
        switch phase {
        case .calling, .cancelling:
            phase = .ended
            return [
                .cancelTimer(.inviteRetransmit), .cancelTimer(.inviteTimeout), .cancelTimer(.ring),
                .cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout), .cancelTimer(.cancelGuard),
            ] + report(.failed(error)) + [.stopMedia, .terminate]
        case .hangingUp:
            return finishHangUp()
        default:
            return []
        }
    }

    // MARK: INVITE

    private mutating func sendInvite(authorization: SIPHeaders.Field?) -> [Action] {
        inviteBranch = SIPLocalEndpoint.newBranch(using: &random)
        inviteAuthorization = authorization
        var extra = settings.extraHeaders
        if let authorization { extra.append(authorization) }
        let request = settings.endpoint.request(
            .invite, uri: settings.requestURI, branch: inviteBranch, route: [], from: settings.from, to: settings.to,
            callID: settings.callID, cseq: inviteCSeq, extra: extra, contentType: "application/sdp",
            body: Array(settings.offer.text.utf8))
        invite = request
        receivedProvisional = false
        inviteInterval = timers.t1
        return [
            .sendRequest(request), .startTimer(.inviteRetransmit, inviteInterval),
            .startTimer(.inviteTimeout, timers.transactionTimeout),
        ]
    }

    private mutating func inviteResponse(_ response: SIPResponse) -> [Action] {
        if response.isProvisional {
            guard phase == .calling || phase == .cancelling else { return [] }
            var actions: [Action] = []
            if !receivedProvisional {
                receivedProvisional = true
                actions += [.cancelTimer(.inviteRetransmit), .cancelTimer(.inviteTimeout)]
            }
            if response.status == 180 || response.status == 183 { isRinging = true }
            if response.headers.contentType == "application/sdp", !response.body.isEmpty {
                earlyAnswer = try? SessionDescription(parsing: response.body)
            }
            if phase == .cancelling, cancelRequest == nil { actions += sendCancel() }
            return actions
        }
        if response.isSuccess { return inviteSuccess(response) }
        return inviteFailure(response)
    }

    private mutating func inviteSuccess(_ response: SIPResponse) -> [Action] {
        let tag = response.headers.to?.tag
        switch phase {
        case .calling, .cancelling:
            break
        default:
            // A retransmitted 2xx: acknowledge it again (§13.2.2.4).
            if let ack, ackedStatus.map({ (200..<300).contains($0) }) == true, tag == ackedTag {
                return [.sendRequest(ack)]
            }
            return []
        }
        var actions: [Action] = [
            .cancelTimer(.inviteRetransmit), .cancelTimer(.inviteTimeout), .cancelTimer(.ring),
            .cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout), .cancelTimer(.cancelGuard),
        ]
        remoteTag = tag
        remoteTarget = response.headers.contact?.uri ?? settings.requestURI
        routeSet = response.headers.recordRoute.reversed()
        var to = settings.to
        to.tag = tag
        var extra: [SIPHeaders.Field] = []
        if let inviteAuthorization { extra.append(inviteAuthorization) }
        let ackRequest = settings.endpoint.request(
            .ack, uri: remoteTarget ?? settings.requestURI, branch: SIPLocalEndpoint.newBranch(using: &random),
            route: routeSet, from: settings.from, to: to, callID: settings.callID, cseq: inviteCSeq, extra: extra)
        ack = ackRequest
        ackedStatus = response.status
        ackedTag = tag
        actions.append(.sendRequest(ackRequest))

        if phase == .cancelling {
            // The answer crossed our CANCEL: end the call at once.
            actions += report(cancelOutcome(status: nil))
            return actions + sendBye()
        }
        let answer: SessionDescription?
        if response.headers.contentType == "application/sdp", !response.body.isEmpty {
            answer = try? SessionDescription(parsing: response.body)
        } else {
            answer = earlyAnswer
        }
        do throws(SIPError) {
            guard let answer else {
                throw SIPError(.unusableSessionDescription, "the answer carries no session description")
            }
            let media = try NegotiatedAudio(answer: answer)
            phase = .established
            return actions + [.startMedia(media)] + report(.answered(media))
        } catch {
            actions += report(.failed(error))
            return actions + sendBye()
        }
    }

    private mutating func inviteFailure(_ response: SIPResponse) -> [Action] {
        let tag = response.headers.to?.tag
        guard phase == .calling || phase == .cancelling else {
            // A retransmitted final response: the same ACK again (§17.1.1.2).
            if let ack, ackedStatus == response.status, tag == ackedTag { return [.sendRequest(ack)] }
            return []
        }
        guard let invite else { return [] }
        var actions: [Action] = [
            .cancelTimer(.inviteRetransmit), .cancelTimer(.inviteTimeout), .cancelTimer(.cancelGuard),
        ]
        // The ACK for a non-2xx final response is part of the INVITE transaction (§17.1.1.3).
        var headers = SIPHeaders()
        if let via = invite.headers.values("Via").first { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for route in invite.headers.values("Route") { headers.add("Route", route) }
        headers.add("From", invite.headers["From"] ?? settings.from.description)
        headers.add("To", response.headers["To"] ?? settings.to.description)
        headers.add("Call-ID", settings.callID)
        headers.add("CSeq", SIPCSeq(inviteCSeq, .ack).description)
        if let userAgent = settings.endpoint.userAgent { headers.add("User-Agent", userAgent) }
        headers.add("Content-Length", "0")
        let ackRequest = SIPRequest(method: .ack, uri: invite.uri, headers: headers)
        ack = ackRequest
        ackedStatus = response.status
        ackedTag = tag
        actions.append(.sendRequest(ackRequest))

        if response.status == 401 || response.status == 407, phase == .calling {
            guard let credentials = settings.endpoint.credentials else {
                return actions
                    + endDial(
                        .failed(
                            SIPError(
                                .authenticationFailed, "challenged, and no credentials are configured",
                                status: response.status)))
            }
            let stale = response.headers.values(response.status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate")
                .contains { (try? DigestChallenge(parsing: $0))?.stale == true }
            guard authAttempts == 0 || (stale && authAttempts == 1) else {
                return actions
                    + endDial(.failed(SIPError(.authenticationFailed, "credentials refused", status: response.status)))
            }
            authAttempts += 1
            inviteCSeq += 1
            localCSeq = inviteCSeq
            let cnonce = SIPSyntax.randomHex(byteCount: 8, using: &random)
            do throws(SIPError) {
                let authorization = try authenticator.authorization(
                    answering: response, for: invite, credentials: credentials, cnonce: cnonce)
                return actions + sendInvite(authorization: authorization)
            } catch {
                return actions + endDial(.failed(error))
            }
        }

        let result: DialResult
        if phase == .cancelling {
            result = response.status == 487 ? cancelOutcome(status: 487) : Self.result(for: response)
        } else {
            result = Self.result(for: response)
        }
        return actions + endDial(result)
    }

    private mutating func endDial(_ result: DialResult) -> [Action] {
        phase = .ended
        return [.cancelTimer(.ring), .cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout)] + report(result)
            + [.stopMedia, .startTimer(.linger, timers.transactionTimeout)]
    }

    /// The outcome a final non-2xx response means (486/600 busy; 408/480/487 no answer).
    static func result(for response: SIPResponse) -> DialResult {
        switch response.status {
        case 486, 600: return .busy(status: response.status, reason: response.reason)
        case 408, 480, 487: return .noAnswer(status: response.status)
        case 401, 407:
            return .failed(SIPError(.authenticationFailed, "credentials refused", status: response.status))
        default: return .rejected(status: response.status, reason: response.reason)
        }
    }

    private func cancelOutcome(status: Int?) -> DialResult {
        switch cancelReason {
        case .local: return .failed(SIPError(.cancelled, "the call was cancelled", status: status))
        case .ringTimeout, nil: return .noAnswer(status: status)
        }
    }

    private mutating func report(_ result: DialResult) -> [Action] {
        guard !dialReported else { return [] }
        dialReported = true
        return [.dialFinished(result)]
    }

    // MARK: CANCEL

    private mutating func beginCancel(_ reason: CancelReason) -> [Action] {
        guard phase == .calling else { return [] }
        phase = .cancelling
        cancelReason = reason
        var actions: [Action] = [.cancelTimer(.ring)]
        // The caller learns at once that its own cancel ended the attempt; the transaction goes on.
        if reason == .local { actions += report(cancelOutcome(status: nil)) }
        // §9.1: a CANCEL must wait for a provisional response.
        if receivedProvisional { actions += sendCancel() }
        return actions
    }

    private mutating func sendCancel() -> [Action] {
        guard let invite else { return [] }
        var headers = SIPHeaders()
        if let via = invite.headers.values("Via").first { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for route in invite.headers.values("Route") { headers.add("Route", route) }
        headers.add("From", invite.headers["From"] ?? settings.from.description)
        headers.add("To", invite.headers["To"] ?? settings.to.description)
        headers.add("Call-ID", settings.callID)
        headers.add("CSeq", SIPCSeq(inviteCSeq, .cancel).description)
        if let userAgent = settings.endpoint.userAgent { headers.add("User-Agent", userAgent) }
        headers.add("Content-Length", "0")
        let request = SIPRequest(method: .cancel, uri: invite.uri, headers: headers)
        cancelRequest = request
        cancelInterval = timers.t1
        cancelFinished = false
        return [
            .sendRequest(request), .startTimer(.cancelRetransmit, cancelInterval),
            .startTimer(.cancelTimeout, timers.transactionTimeout),
            .startTimer(.cancelGuard, timers.transactionTimeout),
        ]
    }

    // MARK: BYE

    private mutating func sendBye(authorization: SIPHeaders.Field? = nil) -> [Action] {
        phase = .hangingUp
        localCSeq += 1
        byeBranch = SIPLocalEndpoint.newBranch(using: &random)
        var to = settings.to
        to.tag = remoteTag
        let request = settings.endpoint.request(
            .bye, uri: remoteTarget ?? settings.requestURI, branch: byeBranch, route: routeSet, from: settings.from,
            to: to, callID: settings.callID, cseq: localCSeq, extra: authorization.map { [$0] } ?? [])
        bye = request
        byeInterval = timers.t1
        return [
            .stopMedia, .sendRequest(request), .startTimer(.byeRetransmit, byeInterval),
            .startTimer(.byeTimeout, timers.transactionTimeout),
        ]
    }

    private mutating func byeResponse(_ response: SIPResponse) -> [Action] {
        guard phase == .hangingUp, !response.isProvisional, let bye else { return [] }
        if response.status == 401 || response.status == 407, byeAuthAttempts == 0,
            let credentials = settings.endpoint.credentials
        {
            byeAuthAttempts += 1
            let cnonce = SIPSyntax.randomHex(byteCount: 8, using: &random)
            // The new BYE gets the next CSeq; the Digest uri is the same Request-URI.
            if let authorization = try? authenticator.authorization(
                answering: response, for: bye, credentials: credentials, cnonce: cnonce)
            {
                return [.cancelTimer(.byeRetransmit), .cancelTimer(.byeTimeout)]
                    + sendBye(authorization: authorization).filter { $0 != .stopMedia }
            }
        }
        return finishHangUp()
    }

    private mutating func finishHangUp() -> [Action] {
        phase = .ended
        return [
            .cancelTimer(.byeRetransmit), .cancelTimer(.byeTimeout), .hangUpFinished,
            .startTimer(.linger, timers.transactionTimeout),
        ]
    }

    // MARK: Responses to requests

    private func reply(_ request: SIPRequest, _ status: Int, extra: [SIPHeaders.Field] = []) -> SIPResponse {
        SIPResponse(replyingTo: request, status: status, toTag: settings.from.tag, extra: extra)
    }
}
