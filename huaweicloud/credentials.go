package huaweicloud

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// StaticCredentials are an AK/SK pair with an optional security token
// (temporary credentials).
type StaticCredentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

// CredentialProvider finds credentials; the SDK's providers and provider
// chains satisfy it.
type CredentialProvider = provider.ICredentialProvider

// The seeds' environment variables, accepted besides the SDK's HUAWEICLOUD_SDK_*.
const (
	envCloudSDKAK = "CLOUD_SDK_AK"
	envCloudSDKSK = "CLOUD_SDK_SK"
)

// DefaultProviderChain is the SDK's chain for project-scoped (basic)
// credentials — HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN, the profile file,
// ECS metadata, pod identity — with CLOUD_SDK_AK/CLOUD_SDK_SK tried right
// after the SDK's own variables.
func DefaultProviderChain() CredentialProvider {
	return provider.NewCredentialProviderChain([]provider.ICredentialProvider{
		provider.BasicCredentialEnvProvider(),
		CloudSDKEnvProvider{},
		provider.BasicCredentialProfileProvider(),
		provider.BasicCredentialMetadataProvider(),
		provider.BasicCredentialPodIdentityProvider(),
	})
}

// CloudSDKEnvProvider reads CLOUD_SDK_AK and CLOUD_SDK_SK.
type CloudSDKEnvProvider struct{}

// GetCredentials implements CredentialProvider.
func (CloudSDKEnvProvider) GetCredentials() (auth.ICredential, error) {
	ak, sk := os.Getenv(envCloudSDKAK), os.Getenv(envCloudSDKSK)
	if ak == "" || sk == "" {
		return nil, errors.New(envCloudSDKAK + " and " + envCloudSDKSK + " are not both set")
	}
	return auth.NewBasicCredentialsBuilder().WithAk(ak).WithSk(sk).SafeBuild()
}

// requestSigner signs requests with one account's credentials. Credentials
// from a provider chain are looked up on first use and again after a failed
// look-up, so that a metadata service that is briefly unreachable at start-up
// does not disable the account for good. The SDK's credentials refresh
// temporary keys (ProcessSts, ProcessAuthRequest) and are not safe for concurrent
// use, so signing is serialised; it costs microseconds.
type requestSigner struct {
	projectID string
	static    *StaticCredentials
	chain     CredentialProvider

	mu    sync.Mutex
	cred  *auth.BasicCredentials
	stsHC *impl.DefaultHttpClient // used by the SDK only to refresh temporary keys
}

func newRequestSigner(projectID string, static *StaticCredentials, chain CredentialProvider) *requestSigner {
	if static == nil && chain == nil {
		chain = DefaultProviderChain()
	}
	return &requestSigner{projectID: projectID, static: static, chain: chain}
}

// sign builds b's request and adds X-Project-Id, X-Security-Token
// (temporary credentials), X-Sdk-Date and Authorization to it. It does what
// the SDK's BasicCredentials.ProcessAuthRequest does — refresh temporary
// keys, add the two headers, sign with the SDK's signer for the request's
// algorithm — but names the headers it adds in lower case (the signer
// lower-cases names itself, an allocation each time unless they already
// are; net/http sends them canonical, so the signature and the wire are
// unchanged) and builds the request once. b's path has {project_id} filled
// already (Client.urlPath). Credentials that ask for derived signing (none
// of ours do) take the SDK's whole path.
func (s *requestSigner) sign(b *request.HttpRequestBuilder) (*request.DefaultHttpRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cred == nil {
		cred, err := s.resolve()
		if err != nil {
			return nil, &CredentialsError{Err: err}
		}
		s.cred = cred
	}
	if s.stsHC == nil {
		s.stsHC = impl.NewDefaultHttpClient(sdkconfig.DefaultHttpConfig())
	}
	if s.cred.DerivedPredicate != nil {
		signed, err := s.cred.ProcessAuthRequest(s.stsHC, b.Build())
		if err != nil {
			return nil, &CredentialsError{Err: sanitizeSDKError(err)}
		}
		return signed, nil
	}
	if err := s.cred.ProcessSts(s.stsHC); err != nil {
		return nil, &CredentialsError{Err: sanitizeSDKError(err)}
	}
	if s.cred.ProjectId != "" {
		// {project_id} is filled already (Client.urlPath).
		b.AddHeaderParam("x-project-id", s.cred.ProjectId)
	}
	if s.cred.SecurityToken != "" {
		b.AddHeaderParam("x-security-token", s.cred.SecurityToken)
	}
	req := b.Build()
	sn, err := signer.GetSigner(req.GetSigningAlgorithm())
	if err != nil {
		return nil, &CredentialsError{Err: sanitizeSDKError(err)}
	}
	headers, err := sn.Sign(req, s.cred.AK, s.cred.SK)
	if err != nil {
		return nil, &CredentialsError{Err: sanitizeSDKError(err)}
	}
	for k, v := range headers {
		req.AddHeaderParam(k, v)
	}
	return req, nil
}

// secrets are the credentials' access key, secret key and security token
// as far as they are known (none before the provider chain answered).
func (s *requestSigner) secrets() []string {
	if s.static != nil {
		return []string{s.static.AccessKey, s.static.SecretKey, s.static.SecurityToken}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cred == nil {
		return nil
	}
	return []string{s.cred.AK, s.cred.SK, s.cred.SecurityToken}
}

func (s *requestSigner) resolve() (*auth.BasicCredentials, error) {
	if s.static != nil {
		return auth.NewBasicCredentialsBuilder().
			WithAk(s.static.AccessKey).
			WithSk(s.static.SecretKey).
			WithSecurityToken(s.static.SecurityToken).
			WithProjectId(s.projectID).
			SafeBuild()
	}
	ic, err := s.chain.GetCredentials()
	if err != nil {
		return nil, fmt.Errorf("no credentials in the config file and none from the provider chain: %w", sanitizeSDKError(err))
	}
	basic, ok := ic.(*auth.BasicCredentials)
	if !ok {
		return nil, fmt.Errorf("the provider chain gave %T, want project-scoped (basic) credentials", ic)
	}
	basic.ProjectId = s.projectID
	return basic, nil
}

// sanitizeSDKError keeps an SDK error's text but drops its type: SDK errors
// are printed by the caller, and none of the ones reached here carry a key.
func sanitizeSDKError(err error) error { return errors.New(err.Error()) }
