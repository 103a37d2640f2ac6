import Foundation
import Logging
import OneCallContactCenter
import OneCallSIP

/// Places contact-flow calls over SIP: a ``SIPUserAgent`` dials through the trunk or PBX, and a
/// ``SpeechSynthesizer`` (espeak-ng by default) speaks the prompts as G.711 audio.
///
/// Destinations in E.164 (`+15551234567`) become `sip:+15551234567@<domain>`; a `sip:` or `sips:`
/// URI is used as is; a bare extension (`1001`) becomes `sip:1001@<domain>`. The agent is started
/// by the first dial; ``shutdown()`` stops it.
public struct SIPVoiceProvider: VoiceProvider {
    /// The provider's name in records and metrics.
    public let name = "sip"
    /// The user agent that places the calls.
    public let agent: SIPUserAgent
    /// The voice that speaks the prompts.
    public let synthesizer: any SpeechSynthesizer
    private let logger: Logger

    /// Creates a provider; nothing is bound until the first dial (or ``start()``).
    public init(
        agent: SIPUserAgent, synthesizer: any SpeechSynthesizer = EspeakSynthesizer(),
        logger: Logger = Logger(label: "onecall.voice.sip")
    ) {
        self.agent = agent
        self.synthesizer = synthesizer
        self.logger = logger
    }

    /// Starts the user agent (binds its socket); dialing does this too.
    public func start() async throws {
        try await agent.start()
    }

    /// Ends the calls in progress and stops the user agent.
    public func shutdown() async {
        await agent.shutdown()
    }

    /// Places the call and returns the channel once it is answered, or why it was not.
    public func dial(_ request: DialRequest) async -> Result<any VoiceChannel, DialFailureError> {
        var logger = self.logger
        logger[metadataKey: "call.id"] = "\(request.callID)"
        logger[metadataKey: "call.attempt"] = "\(request.attempt)"
        let destination: SIPURI
        do {
            destination = try Self.destinationURI(request.destination, domain: agent.configuration.domain)
        } catch {
            return .failure(DialFailureError(.failed("invalid destination")))
        }
        guard request.ringTimeout.isFinite, request.ringTimeout > 0 else {
            return .failure(DialFailureError(.failed("invalid ring timeout")))
        }
        do {
            try await agent.start()
        } catch {
            logger.debug("sip agent did not start", metadata: ["sip.error": "\(error.debugDescription)"])
            return .failure(DialFailureError(.failed(error.description)))
        }
        let ringTimeout = Duration.milliseconds(Int64(min(request.ringTimeout, 600) * 1_000))
        let outcome = await agent.dial(destination, ringTimeout: ringTimeout, callerID: request.callerID)
        switch outcome {
        case .answered(let call):
            logger.debug("sip call answered", metadata: ["sip.call_id": "\(call.callID)"])
            return .success(Channel(call: call, synthesizer: synthesizer, logger: logger))
        case .busy:
            return .failure(DialFailureError(.busy))
        case .noAnswer:
            return .failure(DialFailureError(.noAnswer))
        case .rejected(let status, let reason):
            return .failure(DialFailureError(.rejected(status: status, reason: reason)))
        case .failed(let error):
            logger.debug("sip dial failed", metadata: ["sip.error": "\(error.debugDescription)"])
            return .failure(DialFailureError(.failed(error.description)))
        }
    }

    /// The SIP URI for a contact-flow destination: E.164 and bare extensions at `domain`, SIP URIs
    /// as they are. Throws ``SIPError/Code/malformed`` for anything else.
    public static func destinationURI(_ destination: String, domain: String) throws(SIPError) -> SIPURI {
        let trimmed = destination.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("sip:") || lower.hasPrefix("sips:") { return try SIPURI(parsing: trimmed) }
        let digits = trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        guard (1...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SIPError(.malformed, "destination is neither E.164, an extension, nor a SIP URI")
        }
        return SIPURI(user: trimmed, host: domain)
    }

    /// One answered call, driven by a contact flow.
    public struct Channel: VoiceChannel {
        /// The SIP call underneath.
        public let call: SIPCall
        private let synthesizer: any SpeechSynthesizer
        private let logger: Logger

        init(call: SIPCall, synthesizer: any SpeechSynthesizer, logger: Logger) {
            self.call = call
            self.synthesizer = synthesizer
            self.logger = logger
        }

        /// Speaks the prompt and returns when it has been played out.
        public func play(_ prompt: Prompt) async throws {
            let samples = try await speech(for: prompt)
            try await stream(samples, interruptible: false)
            // As in Amazon Connect, keys pressed while a message plays are not input.
            call.discardKeypresses()
        }

        /// Plays the prompt (a key pressed during it stops it and counts), then collects keys until
        /// `maxDigits`, `#`, or `timeout` seconds without a key. `#` is not part of the result.
        public func collectDigits(prompt: Prompt?, maxDigits: Int, timeout: Double) async throws -> String? {
            guard maxDigits > 0 else { return nil }
            if let prompt, !call.hasQueuedKeypress {
                let samples = try await speech(for: prompt)
                try await stream(samples, interruptible: true)
            }
            let wait = Duration.milliseconds(Int64(max(0, min(timeout, 3_600)) * 1_000))
            var digits = ""
            while digits.count < maxDigits {
                let key: Character?
                do {
                    key = try await call.nextKeypress(timeout: wait)
                } catch {
                    throw VoiceChannelError.hungUp
                }
                guard let key, key != "#" else { break }
                digits.append(key)
            }
            logger.debug(
                "sip digits collected", metadata: ["sip.call_id": "\(call.callID)", "digits.count": "\(digits.count)"])
            return digits.isEmpty ? nil : digits
        }

        /// Ends the call with BYE. Idempotent.
        public func hangUp() async {
            await call.hangUp()
        }

        private func speech(for prompt: Prompt) async throws -> [Int16] {
            let text: String
            switch prompt {
            case .text(let plain): text = plain
            case .ssml(let ssml): text = SSMLText.plainText(ssml)
            }
            do {
                // Long texts (a ticket with many steps) are spoken in pieces the synthesizer takes.
                var samples: [Int16] = []
                for piece in Self.pieces(of: text, maximumLength: Self.pieceLength) {
                    samples += try await synthesizer.synthesize(piece)
                    guard samples.count < Self.maximumSamples else { break }
                }
                return samples
            } catch let error as SpeechError {
                logger.debug("speech failed", metadata: ["speech.error": "\(error.debugDescription)"])
                throw VoiceChannelError.failed(error.description)
            }
        }

        /// The longest text given to the synthesizer at once.
        static let pieceLength = 2_000
        /// The longest prompt spoken: ten minutes at 8 kHz.
        static let maximumSamples = 8_000 * 600

        /// `text` cut into pieces of at most `maximumLength` characters, at sentence ends where
        /// there are any, else at spaces, else anywhere.
        public static func pieces(of text: String, maximumLength: Int) -> [String] {
            var pieces: [String] = []
            var rest = Substring(text)
            while rest.count > maximumLength {
                let window = rest.prefix(maximumLength)
                var cut =
                    window.lastIndex(where: { ".!?;".contains($0) }).map { window.index(after: $0) }
                    ?? window.lastIndex(of: " ") ?? window.endIndex
                if cut == rest.startIndex { cut = window.endIndex }
                let piece = rest[..<cut].trimmingCharacters(in: .whitespaces)
                if !piece.isEmpty { pieces.append(piece) }
                rest = rest[cut...]
            }
            let last = rest.trimmingCharacters(in: .whitespaces)
            if !last.isEmpty { pieces.append(last) }
            return pieces
        }

        private func stream(_ samples: [Int16], interruptible: Bool) async throws {
            do {
                try await call.play(samples, interruptible: interruptible)
            } catch {
                switch error.code {
                case .callEnded: throw VoiceChannelError.hungUp
                case .cancelled: throw CancellationError()
                default: throw VoiceChannelError.failed(error.description)
                }
            }
        }
    }
}
