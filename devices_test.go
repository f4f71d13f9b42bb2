package phonelineplus

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDevicesCreate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/users/u1/devices", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "devices/create.request.json")
		writeJSON(w, http.StatusCreated, string(golden(t, "devices/create.response.json")))
	})
	e.mux.HandleFunc("POST /customers/c1/users/u2/devices", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusConflict, `{"message":"MAC address already registered"}`)
	})
	req := DeviceCreateRequest{Brand: BrandYealink, Model: " T46S ", MACAddress: "001565000001"}
	got, err := e.client.Devices.Create(t.Context(), "c1", "u1", req)
	require.NoError(t, err)
	assert.Equal(t, "00000000-0000-4000-8000-000000000020", got.ID)
	assert.Equal(t, "00:15:65:00:00:01", got.MACAddress)
	assert.Equal(t, DeviceMetadata{Brand: BrandYealink, Model: "T46S"}, got.Metadata)
	assert.True(t, got.SIPPassword.IsZero())
	assert.JSONEq(t, string(golden(t, "devices/create.response.json")), string(got.Raw))

	_, err = e.client.Devices.Create(t.Context(), "c1", "u2", req)
	assert.ErrorIs(t, err, ErrConflict)
}

func TestDevicesCreateBYOD(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/users/u1/devices", func(w http.ResponseWriter, r *http.Request) {
		assertBody(t, r, "devices/create_byod.request.json")
		writeJSON(w, http.StatusCreated, string(golden(t, "devices/create_byod.response.json")))
	})
	got, err := e.client.Devices.Create(t.Context(), "c1", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Office Desk Phone"})
	require.NoError(t, err)
	assert.Equal(t, "00000000-0000-4000-8000-000000000021", got.ID)
	assert.Equal(t, "<sip-user>", got.SIPID)
	assert.Equal(t, "<host>", got.RegistrationServer)
}

func TestDeviceNeverPrintsSIPPassword(t *testing.T) {
	t.Parallel()
	const password = "sip-PASSWORD-do-not-print-42"
	e := setup(t)
	e.mux.HandleFunc("POST /customers/c1/users/u1/devices", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, `{"ID":"d1","name":"Desk","sipID":"sip1","registrationServer":"sip.example.com","sipPassword":"`+password+`"}`)
	})
	got, err := e.client.Devices.Create(t.Context(), "c1", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk"})
	require.NoError(t, err)
	assert.Equal(t, password, got.SIPPassword.Reveal())

	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("device", "device", got)
	marshalled, err := json.Marshal(got)
	require.NoError(t, err)
	for _, s := range []string{
		fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", *got), fmt.Sprintf("%v", *got),
		fmt.Sprintf("%#v", *got), fmt.Sprintf("%s", got.Raw), fmt.Sprint(got.SIPPassword),
		logged.String(), string(marshalled),
	} {
		assert.NotContains(t, s, password)
	}
	assert.Contains(t, fmt.Sprintf("%+v", *got), "sip.example.com")
	assert.Contains(t, string(got.Raw), password, "Raw keeps the object as sent, for explicit use")
}

func TestDeviceCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		user  string
		req   DeviceCreateRequest
		field string
	}{
		{"bad user", "u/1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk"}, "userID"},
		{"no brand", "u1", DeviceCreateRequest{Model: "T46S", MACAddress: "001565000001"}, "brand"},
		{"unknown brand", "u1", DeviceCreateRequest{Brand: "Polycom", Model: "VVX", MACAddress: "001565000001"}, "brand"},
		{"brand case", "u1", DeviceCreateRequest{Brand: "yealink", Model: "T46S", MACAddress: "001565000001"}, "brand"},
		{"Gamma without model", "u1", DeviceCreateRequest{Brand: BrandCisco, MACAddress: "001565000001"}, "model"},
		{"Gamma without MAC", "u1", DeviceCreateRequest{Brand: BrandYealink, Model: "T46S"}, "macAddress"},
		{"bad MAC", "u1", DeviceCreateRequest{Brand: BrandYealink, Model: "T46S", MACAddress: "00:15:65:00:00:0G"}, "macAddress"},
		{"other without name", "u1", DeviceCreateRequest{Brand: BrandOther}, "name"},
		{"other with model", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk", Model: "T46S"}, "model"},
		{"other with MAC", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk", MACAddress: "001565000001"}, "macAddress"},
		{"control chars in name", "u1", DeviceCreateRequest{Brand: BrandOther, Name: "De\r\nsk"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Devices.Create(t.Context(), "c1", tt.user, tt.req)
			e.assertNothingSent(t, err, tt.field)
		})
	}
}

func TestDevicesBadIDsSendNothing(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", " ", ".", "..", "a/b", "a%2Fb", "a?b", "a#b"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			_, err := e.client.Devices.Create(t.Context(), id, "u1", DeviceCreateRequest{Brand: BrandOther, Name: "Desk"})
			e.assertNothingSent(t, err, "customerID")
			_, err = e.client.Devices.Create(t.Context(), "c1", id, DeviceCreateRequest{Brand: BrandOther, Name: "Desk"})
			e.assertNothingSent(t, err, "userID")
		})
	}
}
