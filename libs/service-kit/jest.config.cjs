module.exports = {
  displayName: 'service-kit',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/service-kit',
  // Integration tests talk to a real PostgreSQL and spawn real processes.
  testTimeout: 30000,
};
