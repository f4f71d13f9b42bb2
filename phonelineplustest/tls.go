package phonelineplustest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"time"
)

// WithTLS makes the listener serve HTTPS, with HTTP/2 as the real API's
// gateway does, under a certificate from a certificate authority made for
// this server alone. URL is then https://...; trust the authority with
// CertPool (in Go) or the PEM file CACertPEM gives (anywhere else: for
// example SSL_CERT_FILE for Go programs and curl --cacert). The
// certificate names 127.0.0.1, ::1, localhost, this machine's host name
// and the address listened on.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// newTLS makes the server's authority and certificate.
func (s *Server) newTLS(addr net.Addr) (*tls.Config, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "phonelineplustest CA", Organization: []string{"phonelineplustest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "phonelineplustest"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if h, err := os.Hostname(); err == nil {
		leaf.DNSNames = append(leaf.DNSNames, h)
	}
	if ta, ok := addr.(*net.TCPAddr); ok && !ta.IP.IsUnspecified() && !ta.IP.IsLoopback() {
		leaf.IPAddresses = append(leaf.IPAddresses, ta.IP)
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	s.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	s.caCert = caCert
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der, caDER}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// CACertPEM returns the PEM-encoded certificate of the authority to
// trust for a server started WithTLS, or nil.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.caPEM...) }

// CertPool returns a pool holding the authority of a server started
// WithTLS (nil without TLS), for an http.Transport's TLSClientConfig.
func (s *Server) CertPool() *x509.CertPool {
	if s.caCert == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.caCert)
	return p
}
