/// The API's OpenAPI 3.1 document, served at `/api/v1/openapi.json`: `docs/openapi.json`, compiled in
/// by the EmbedOpenAPI build plugin.
enum OpenAPIDocument {
    static let json = OpenAPIDocumentSource.files.first?.text ?? "{}"
}
