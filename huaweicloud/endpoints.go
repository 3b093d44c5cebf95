package huaweicloud

import (
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"

	drsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/drs/v3/region"
	smsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sms/v3/region"
)

// defaultEndpoints are the services' default endpoints, side by side: each
// makes the endpoint of a region. A config's endpoints override them.
var defaultEndpoints = map[string]func(region string) string{
	APIDCS: defaultDCSEndpoint,
	APISMS: defaultSMSEndpoint,
	APIDRS: defaultDRSEndpoint,
	APIOMS: defaultOMSEndpoint,
	APICDM: defaultCDMEndpoint,
}

// otcRegions are Open Telekom Cloud's regions, whose hosts are not
// Huawei Cloud's.
var otcRegions = map[string]bool{"eu-de": true, "eu-nl": true}

// defaultDCSEndpoint is the DCS endpoint of a region:
// https://dcs.{region}.myhuaweicloud.com, or Open Telekom Cloud's
// https://dcs.{region}.otc.t-systems.com for eu-de and eu-nl.
func defaultDCSEndpoint(region string) string {
	if otcRegions[region] {
		return "https://dcs." + region + ".otc.t-systems.com"
	}
	return "https://dcs." + region + ".myhuaweicloud.com"
}

// defaultSMSEndpoint is SMS's endpoint for an account in region. SMS has
// one endpoint per cloud, not per region: the SDK's SMS region table is
// used when it knows the region, any other Chinese-mainland region (cn-*)
// goes to cn-north-4, and every other region to the international
// endpoint in ap-southeast-3.
func defaultSMSEndpoint(region string) string {
	if r, err := smsregion.SafeValueOf(region); err == nil && r != nil && len(r.Endpoints) > 0 {
		return r.Endpoints[0]
	}
	if strings.HasPrefix(region, "cn-") {
		return "https://sms.cn-north-4.myhuaweicloud.com"
	}
	return "https://sms.ap-southeast-3.myhuaweicloud.com"
}

// defaultDRSEndpoint is the DRS endpoint of a region, from the SDK's DRS
// region table when it knows the region (eu-west-101 is on
// myhuaweicloud.eu), else https://drs.{region}.myhuaweicloud.com, or Open
// Telekom Cloud's https://drs.{region}.otc.t-systems.com for eu-de and
// eu-nl.
func defaultDRSEndpoint(region string) string {
	if otcRegions[region] {
		return "https://drs." + region + ".otc.t-systems.com"
	}
	if r, err := drsregion.SafeValueOf(region); err == nil && r != nil && len(r.Endpoints) > 0 {
		return r.Endpoints[0]
	}
	return "https://drs." + region + ".myhuaweicloud.com"
}

// tableEndpoint is a service's endpoint in region from its SDK region
// table (lookup, the table's SafeValueOf) when the table knows the
// region, else https://{service}.{region}.myhuaweicloud.com, the pattern
// every entry of those tables follows.
func tableEndpoint(lookup func(string) (*region.Region, error), service, regionID string) string {
	if r, err := lookup(regionID); err == nil && r != nil && len(r.Endpoints) > 0 {
		return r.Endpoints[0]
	}
	return "https://" + service + "." + regionID + ".myhuaweicloud.com"
}
