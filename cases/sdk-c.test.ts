/**
 * The C SDK (boxlite.h, REST runtime) through drivers/c: upstream's C driver behaviours
 * (e2e_basic.c, e2e_exec.c and the C coverage cases), see cases/sdk-native-suite.ts.
 */
import { describeNativeSdk, whenCheckoutDrivers } from './sdk-native-suite.ts';

describeNativeSdk({
  driver: 'c-sdk',
  title: 'C SDK (boxlite.h, REST)',
  binary: (d) => d.c,
  marker: 'HELLO-FROM-C',
  ports: {
    basic: ['test_c_sdk_create_remove'],
    streams: ['test_c_exec'],
    options: [],
    copy: [],
    errors: ['test_c_errors'],
  },
  optionsDetect: whenCheckoutDrivers(['sdk-c-drops-user']),
});
