/**
 * The Go SDK (github.com/boxlite-ai/boxlite/sdks/go, REST runtime) through drivers/go:
 * upstream's Go driver behaviours (e2e_basic.go, e2e_exec_options.go, e2e_copy.go,
 * e2e_errors.go), see cases/sdk-native-suite.ts.
 */
import { describeNativeSdk } from './sdk-native-suite.ts';

describeNativeSdk({
  driver: 'go-sdk',
  title: 'Go SDK (sdks/go, REST)',
  binary: (d) => d.go,
  marker: 'HELLO-FROM-GO',
  ports: {
    basic: ['test_go_sdk_create_exec_remove'],
    streams: [],
    options: ['test_go_exec_options'],
    copy: ['test_go_copy'],
    errors: ['test_go_errors'],
  },
  optionsDetect: ['sdk-go-no-user'],
});
