import { mountPage } from '../../components/mount';
import { Options } from '../../components/options/Options';
import '../../components/theme.css';
import './style.css';

mountPage(<Options />);
