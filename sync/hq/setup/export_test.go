package setup

// CertValidity is certValidity, for the tests in package setup_test, which
// is external so that it can use sync/hq/internal/hqtest (which imports
// this package).
const CertValidity = certValidity
