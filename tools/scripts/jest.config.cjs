module.exports = {
  displayName: 'workspace-scripts',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/scripts',
};
