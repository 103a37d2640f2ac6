import Foundation

/// Where and how to reach an OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp, Ollama, …).
///
/// The API key is a secret: `description` and `customMirror` (hence `print`, `dump` and string
/// interpolation) show only whether one is set.
public struct OpenAIConfiguration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The server's base address, e.g. `https://api.openai.com` or `http://127.0.0.1:8000`. Requests
    /// go to `{base}/v1/…`; a base that already ends in `/v1` is accepted as is.
    public var baseURL: String
    /// The chat model, e.g. `gpt-4o-mini`.
    public var model: String
    /// The embeddings model, e.g. `text-embedding-3-small`; `nil` when embeddings are not used.
    public var embeddingsModel: String?
    /// The bearer token sent as `Authorization: Bearer …`, if any. Secret: never logged.
    public var apiKey: String?
    /// How long one request may take from start to the last byte. Default 10 seconds.
    public var timeout: Duration
    /// The largest response body accepted, in bytes. Default 4 MiB; at most `maximumResponseBytesLimit`.
    public var maximumResponseBytes: Int
    /// The sampling temperature sent with chat requests; `nil` leaves it to the server. Default 0,
    /// so that a plan is as repeatable as the model allows.
    public var temperature: Double?
    /// The most strings one embeddings request may carry. Default 2,048 (OpenAI's own limit).
    public var maximumEmbeddingInputs: Int

    /// The ceiling for `maximumResponseBytes`: 64 MiB.
    public static let maximumResponseBytesLimit = 64 << 20

    public init(
        baseURL: String, model: String, embeddingsModel: String? = nil, apiKey: String? = nil,
        timeout: Duration = .seconds(10), maximumResponseBytes: Int = 4 << 20, temperature: Double? = 0,
        maximumEmbeddingInputs: Int = 2048
    ) {
        self.baseURL = baseURL
        self.model = model
        self.embeddingsModel = embeddingsModel
        self.apiKey = apiKey
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.temperature = temperature
        self.maximumEmbeddingInputs = maximumEmbeddingInputs
    }

    /// Checks every field; throws `invalidRequest` naming the key and the reason.
    public func validate() throws(OpenAIError) {
        func fail(_ key: String, _ reason: String) -> OpenAIError {
            OpenAIError(.invalidRequest, "openai.\(key): \(reason)")
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else { throw fail("base_url", "must be an http or https address with a host") }
        guard url.query == nil, url.fragment == nil else { throw fail("base_url", "must not have a query or fragment") }
        guard !model.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("model", "must not be empty") }
        if let embeddingsModel, embeddingsModel.trimmingCharacters(in: .whitespaces).isEmpty {
            throw fail("embeddings_model", "must not be empty when set")
        }
        if let apiKey, apiKey.contains(where: { $0.isNewline || $0 == "\r" }) {
            throw fail("api_key", "must be one line")
        }
        guard timeout > .zero else { throw fail("timeout", "must be positive") }
        guard maximumResponseBytes > 0, maximumResponseBytes <= Self.maximumResponseBytesLimit else {
            throw fail("maximum_response_bytes", "must be between 1 and \(Self.maximumResponseBytesLimit)")
        }
        if let temperature, !(0...2).contains(temperature) {
            throw fail("temperature", "must be between 0 and 2")
        }
        guard maximumEmbeddingInputs > 0 else { throw fail("maximum_embedding_inputs", "must be positive") }
    }

    /// The address of `{base}/v1/{path}`.
    func endpoint(_ path: String) -> URL? {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        return URL(string: base + "/" + path)
    }

    /// The timeout in seconds, for Foundation.
    var timeoutSeconds: Double {
        let (seconds, attoseconds) = timeout.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    public var description: String {
        "OpenAIConfiguration(baseURL: \(baseURL), model: \(model), embeddingsModel: \(embeddingsModel ?? "none"), "
            + "apiKey: \(apiKey == nil ? "none" : "set"), timeout: \(timeout), "
            + "maximumResponseBytes: \(maximumResponseBytes))"
    }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "model": model, "embeddingsModel": embeddingsModel as Any,
                "apiKey": apiKey == nil ? "none" : "set", "timeout": timeout,
                "maximumResponseBytes": maximumResponseBytes, "temperature": temperature as Any,
                "maximumEmbeddingInputs": maximumEmbeddingInputs,
            ], displayStyle: .struct)
    }
}
