package phonelineplus

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

const mask = "[REDACTED]"

// Secret holds a credential: the API secret or a SIP password. Every way
// of printing it (fmt's %v, %+v, %#v, %s, %q, %x, String, GoString,
// LogValue, and JSON marshalling) shows "[REDACTED]"; only Reveal returns
// the value, so a Secret cannot end up in a log or an error by accident.
// The zero Secret is empty.
type Secret struct {
	value *string // behind a pointer: even reflection-based printers only see an address
}

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{value: &s} }

// Reveal returns the secret value. Call it only where the value must leave
// the program, such as provisioning a SIP device.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String returns a mask.
func (s Secret) String() string { return mask }

// GoString returns a mask.
func (s Secret) GoString() string { return `phonelineplus.Secret("` + mask + `")` }

// Format prints a mask for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, mask)
}

// LogValue returns a mask, for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(mask) }

// MarshalJSON writes a mask: marshalling a response that carries a SIP
// password never writes the password. Use Reveal to persist it.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(mask) }

// UnmarshalJSON reads a JSON string (or null) into the secret.
func (s *Secret) UnmarshalJSON(data []byte) error {
	if str, ok := plainString(data); ok {
		*s = NewSecret(str)
		return nil
	}
	var v *string
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if v == nil {
		*s = Secret{}
		return nil
	}
	*s = NewSecret(*v)
	return nil
}
