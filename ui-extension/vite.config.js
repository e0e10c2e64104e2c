import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The manager serves the page at /vnet/ui/ and CloudStack's console frames that address, so
// every asset is addressed relative to the page.
export default defineConfig({
  base: './',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.js'],
    setupFiles: ['test/setup.js'],
    // a JUnit report beside Maven's, so that scripts/test.sh counts these tests with the Java ones
    reporters: ['default', 'junit'],
    outputFile: { junit: 'target/surefire-reports/TEST-vitest.xml' },
  },
});
