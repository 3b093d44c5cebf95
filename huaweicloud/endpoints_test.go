package huaweicloud

import "testing"

func TestDefaultDCSEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":     "https://dcs.cn-north-4.myhuaweicloud.com",
		"ap-southeast-3": "https://dcs.ap-southeast-3.myhuaweicloud.com",
		"eu-de":          "https://dcs.eu-de.otc.t-systems.com",
	} {
		if got := defaultDCSEndpoint(region); got != want {
			t.Errorf("%s: %s", region, got)
		}
	}
}

func TestDefaultSMSEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":       "https://sms.cn-north-4.myhuaweicloud.com",
		"cn-east-3":        "https://sms.cn-north-4.myhuaweicloud.com",
		"ap-southeast-3":   "https://sms.ap-southeast-3.myhuaweicloud.com",
		"ap-southeast-1":   "https://sms.ap-southeast-3.myhuaweicloud.com",
		"my-kualalumpur-1": "https://sms.my-kualalumpur-1.myhuaweicloud.com",
		"ru-moscow-1":      "https://sms-api.ru-moscow-1.myhuaweicloud.com",
		"eu-west-101":      "https://sms.ap-southeast-3.myhuaweicloud.com",
	} {
		if got := defaultSMSEndpoint(region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
}

func TestClientEndpointsAreOverridesElseTheRegionsDefaults(t *testing.T) {
	c := NewClient(Options{Region: "eu-de", Endpoints: map[string]string{APISMS: "http://127.0.0.1:1", APIDCS: ""}})
	if got := c.endpoints[APIDCS]; got != "https://dcs.eu-de.otc.t-systems.com" {
		t.Errorf("DCS: %s, want the region's default", got)
	}
	if got := c.endpoints[APISMS]; got != "http://127.0.0.1:1" {
		t.Errorf("SMS: %s, want the override", got)
	}
	for _, api := range []string{APIDCS, APISMS} {
		if def, ok := defaultEndpoints[api]; !ok || def("cn-north-4") == "" {
			t.Errorf("%s has no default endpoint", api)
		}
	}
}
