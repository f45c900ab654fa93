package boxlite

import "time"

// AccessToken is a bearer token plus its expiry (nil: never expires).
type AccessToken struct {
	Token     string
	ExpiresAt *time.Time
}

// Credential is a bearer credential for the REST API.
type Credential interface {
	GetToken() AccessToken
}

// ApiKeyCredential is a long-lived opaque API key.
type ApiKeyCredential struct {
	key string
}

// NewApiKeyCredential creates an API-key credential, sent as `Authorization: Bearer <key>`.
func NewApiKeyCredential(key string) *ApiKeyCredential { return &ApiKeyCredential{key: key} }

// GetToken returns the API key as a never-expiring bearer token.
func (c *ApiKeyCredential) GetToken() AccessToken { return AccessToken{Token: c.key} }
