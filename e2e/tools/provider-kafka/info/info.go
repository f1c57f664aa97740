// Package info maps the Mongey Terraform Kafka provider onto the Pulumi
// tokens and property names that the published pulumi_kafka SDK (3.13.x)
// expects. Our own mapping; no upstream Pulumi provider code is used.
package info

import (
	"github.com/Mongey/terraform-provider-kafka/kafka"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// res gives kafka:index/<camelName>:<Name>, e.g. kafka:index/topic:Topic.
func res(name string) tokens.Type { return tfbridge.MakeResource("kafka", "index", name) }

// fn gives the module-less function token kafka:index:<name>, the form the
// SDK invokes (e.g. kafka:index:getTopic).
func fn(name string) tokens.ModuleMember { return tokens.ModuleMember("kafka:index:" + name) }

// Provider returns the bridge description of the kafka provider at version.
func Provider(version string) tfbridge.ProviderInfo {
	return tfbridge.ProviderInfo{
		P:                 shimv2.NewProvider(kafka.Provider()),
		Name:              "kafka",
		DisplayName:       "Kafka",
		Version:           version,
		GitHubOrg:         "Mongey",
		Description:       "A Pulumi package for creating and managing Kafka topics, ACLs, quotas and SCRAM credentials.",
		Keywords:          []string{"pulumi", "kafka"},
		License:           "Apache-2.0",
		TFProviderVersion: "0.13.1",
		TFProviderLicense: licensePtr(tfbridge.MITLicenseType),
		Config: map[string]*tfbridge.SchemaInfo{
			// Same environment fallbacks as the SDK's config/vars.py.
			"sasl_mechanism": {Default: &tfbridge.DefaultInfo{
				EnvVars: []string{"KAFKA_SASL_MECHANISM"}, Value: "plain"}},
			"skip_tls_verify": {Default: &tfbridge.DefaultInfo{
				EnvVars: []string{"KAFKA_SKIP_VERIFY"}, Value: false}},
			"tls_enabled": {Default: &tfbridge.DefaultInfo{
				EnvVars: []string{"KAFKA_ENABLE_TLS"}, Value: true}},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"kafka_topic": {
				Tok: res("Topic"),
				Fields: map[string]*tfbridge.SchemaInfo{
					// Optional in the SDK: auto-named from the resource name.
					"name": tfbridge.AutoName("name", 249, "-"),
				},
			},
			"kafka_acl": {
				Tok: res("Acl"),
				Fields: map[string]*tfbridge.SchemaInfo{
					// resourceName/resourceType would clash with the SDK's
					// own resource arguments; the SDK uses these names.
					"resource_name": {Name: "aclResourceName"},
					"resource_type": {Name: "aclResourceType"},
				},
			},
			"kafka_quota":                 {Tok: res("Quota")},
			"kafka_user_scram_credential": {Tok: res("UserScramCredential")},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			// The SDK invokes the module-less form of these tokens.
			"kafka_topic":  {Tok: fn("getTopic")},
			"kafka_topics": {Tok: fn("getTopics")},
		},
	}
}

func licensePtr(l tfbridge.TFProviderLicense) *tfbridge.TFProviderLicense { return &l }
