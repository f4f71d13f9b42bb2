package phonelineplustest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// NewKey registers a new random API key (a UUID key ID and a 64-character
// secret) and returns it. Each key has its own rate-limit budget.
func (s *Server) NewKey() (keyID, secret string) {
	keyID, secret = newUUID(), newSecret()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[keyID] = secret
	return keyID, secret
}

// AddKey registers an API key at run time, as WithCredentials does at the
// start. Adding a key ID again changes its secret.
func (s *Server) AddKey(keyID, secret string) error {
	if keyID == "" || secret == "" {
		return errors.New("phonelineplustest: AddKey: the key ID and the secret must not be empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retire(keyID)
	s.keys[keyID] = secret
	return nil
}

// RevokeKey deletes an API key, as deleting it in the partner portal does:
// POST /auth with it fails, and tokens already issued for it get 401. It
// reports whether there was such a key.
func (s *Server) RevokeKey(keyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[keyID]
	s.retire(keyID)
	delete(s.keys, keyID)
	return ok
}

// retire remembers the secret of keyID, which is about to be revoked or
// replaced, so that the request log stays masked. s.mu is held.
func (s *Server) retire(keyID string) {
	if old, ok := s.keys[keyID]; ok && !slices.Contains(s.retired, old) {
		s.retired = append(s.retired, old)
	}
}

// secrets returns every secret a key has had, for masking.
func (s *Server) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.retired)
	for _, sec := range s.keys {
		out = append(out, sec)
	}
	return out
}

// authRequest is the body of POST /auth.
type authRequest struct {
	KeyID  string `json:"keyID"`
	Secret string `json:"secret"`
}

// authKeyID reads the keyID of a POST /auth body, leniently, for rate
// limiting; it returns "" unless the key exists.
func (s *Server) authKeyID(body []byte) string {
	var req authRequest
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[req.KeyID]; !ok {
		return ""
	}
	return req.KeyID
}

// handleAuth serves POST /auth: a key ID and secret for a JWT.
func (s *Server) handleAuth(c *call) (int, any, error) {
	var req authRequest
	if err := c.decode(&req); err != nil {
		return 0, nil, err
	}
	switch {
	case req.KeyID == "":
		return 0, nil, required("keyID")
	case req.Secret == "":
		return 0, nil, required("secret")
	}
	want, ok := s.keys[req.KeyID]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(req.Secret)) != 1 {
		return 0, nil, errUnauthorized
	}
	now := time.Now()
	exp := jwt.NewNumericDate(now.Add(s.lifetime))
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    "phonelineplustest",
		Subject:   req.KeyID,
		ExpiresAt: exp,
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        newUUID(),
	}).SignedString(s.signKey)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"access_token": tok, "expires": exp.Unix()}, nil
}

// verifyBearer checks an Authorization header and returns the key ID the
// token was issued to. Missing, malformed, expired, foreign and revoked
// tokens all fail.
func (s *Server) verifyBearer(header string) (string, error) {
	scheme, raw, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return "", errors.New("no bearer token")
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return s.signKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer("phonelineplustest"))
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[claims.Subject]; !ok {
		return "", fmt.Errorf("key %q is not known", claims.Subject)
	}
	return claims.Subject, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return b
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newSecret returns 64 random characters from [A-Za-z0-9_-].
func newSecret() string { return base64.RawURLEncoding.EncodeToString(randomBytes(48)) }
